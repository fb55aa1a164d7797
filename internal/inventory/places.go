package inventory

import (
	"context"
	"fmt"
	"net/netip"

	"github.com/ipd/ipd/internal/domain"
	"github.com/ipd/ipd/internal/ipam"
	"github.com/ipd/ipd/internal/service"
)

func (p *planner) countries(inv Inventory) error {
	have, err := everything(func(page domain.Page) ([]domain.Country, int, error) {
		return p.svc.Countries(p.ctx, page)
	})
	if err != nil {
		return err
	}
	pairs, extra, err := match(p, kindCountry,
		inv.Countries, func(c Country) string { return c.ISOCode2 },
		have, func(c domain.Country) string { return c.ISOCode2 })
	if err != nil {
		return err
	}
	for _, m := range pairs {
		if !m.found {
			p.createCountry(m.want)
			continue
		}
		p.ids[ref{kindCountry, m.want.ISOCode2}] = m.have.ID
		p.updateCountry(m.have, m.want)
	}
	for _, c := range extra {
		p.delete(kindCountry, c.ISOCode2, func(ctx context.Context) error {
			return p.svc.DeleteCountry(ctx, c.ID)
		})
	}
	return nil
}

func (p *planner) createCountry(c Country) {
	spec := service.CountrySpec{
		Name: &c.Name, ISOCode2: &c.ISOCode2, ISOCode3: &c.ISOCode3, TimeZone: &c.TimeZone, EU: &c.EU,
	}
	p.create(kindCountry, c.ISOCode2, func(ctx context.Context) (string, error) {
		created, err := p.svc.CreateCountry(ctx, spec)
		return created.ID, err
	})
}

func (p *planner) updateCountry(old domain.Country, c Country) {
	var spec service.CountrySpec
	var f fields
	change(&f, "name", old.Name, c.Name, &spec.Name)
	change(&f, "iso_code3", old.ISOCode3, c.ISOCode3, &spec.ISOCode3)
	change(&f, "time_zone", old.TimeZone, c.TimeZone, &spec.TimeZone)
	change(&f, "eu", old.EU, c.EU, &spec.EU)
	p.update(kindCountry, c.ISOCode2, f, func(ctx context.Context) error {
		return errOf(p.svc.UpdateCountry(ctx, old.ID, spec))
	})
}

func (p *planner) dataCenters(inv Inventory) error {
	have, err := p.svc.DataCenters(p.ctx)
	if err != nil {
		return err
	}
	pairs, extra, err := match(p, kindDataCenter,
		inv.DataCenters, func(dc DataCenter) string { return dc.Permalink },
		have, func(dc domain.DataCenter) string { return dc.Permalink })
	if err != nil {
		return err
	}
	for _, m := range pairs {
		if err := p.need(kindCountry, m.want.Country); err != nil {
			return fmt.Errorf("data center %s: %w", m.want.Permalink, err)
		}
		if !m.found {
			p.createDataCenter(m.want)
			continue
		}
		p.ids[ref{kindDataCenter, m.want.Permalink}] = m.have.ID
		p.updateDataCenter(m.have, m.want)
	}
	for _, dc := range extra {
		p.delete(kindDataCenter, dc.Permalink, func(ctx context.Context) error {
			return p.svc.DeleteDataCenter(ctx, dc.ID)
		})
	}
	return nil
}

func (p *planner) createDataCenter(dc DataCenter) {
	spec := service.DataCenterSpec{Name: &dc.Name, Permalink: &dc.Permalink}
	p.create(kindDataCenter, dc.Permalink, func(ctx context.Context) (string, error) {
		spec.CountryID = p.ids.of(kindCountry, dc.Country)
		created, err := p.svc.CreateDataCenter(ctx, spec)
		return created.ID, err
	})
}

// updateDataCenter plans the update of a data center, which may move to
// another country, one the plan may create.
func (p *planner) updateDataCenter(old domain.DataCenter, dc DataCenter) {
	var spec service.DataCenterSpec
	var f fields
	var moved *string
	change(&f, "name", old.Name, dc.Name, &spec.Name)
	change(&f, "country", old.Country.ISOCode2, dc.Country, &moved)
	p.update(kindDataCenter, dc.Permalink, f, func(ctx context.Context) error {
		if moved != nil {
			spec.CountryID = p.ids.of(kindCountry, dc.Country)
		}
		return errOf(p.svc.UpdateDataCenter(ctx, old.ID, spec))
	})
}

// networks plans the networks and their pools. The pools of a network
// the file drops are deleted before it, since the store refuses to
// delete a network that has pools.
func (p *planner) networks(inv Inventory) error {
	have, err := p.svc.Networks(p.ctx)
	if err != nil {
		return err
	}
	usage, err := p.svc.Pools(p.ctx)
	if err != nil {
		return err
	}
	pools := map[string][]domain.Pool{}
	for _, u := range usage {
		pools[u.Network.Permalink] = append(pools[u.Network.Permalink], u.Pool)
	}

	pairs, extra, err := match(p, kindNetwork,
		inv.Networks, func(n Network) string { return n.Permalink },
		have, func(n domain.Network) string { return n.Permalink })
	if err != nil {
		return err
	}
	for _, m := range pairs {
		if err := p.network(m); err != nil {
			return fmt.Errorf("network %s: %w", m.want.Permalink, err)
		}
		if err := p.pools(m.want.Permalink, m.want.Pools, pools[m.want.Permalink]); err != nil {
			return fmt.Errorf("network %s: %w", m.want.Permalink, err)
		}
	}
	for _, n := range extra {
		if err := p.pools(n.Permalink, nil, pools[n.Permalink]); err != nil {
			return err
		}
		p.delete(kindNetwork, n.Permalink, func(ctx context.Context) error {
			return p.svc.DeleteNetwork(ctx, n.ID)
		})
	}
	return nil
}

func (p *planner) network(m pair[Network, domain.Network]) error {
	n, old := m.want, m.have
	if err := p.need(kindDataCenter, n.DataCenter); err != nil {
		return err
	}
	if !m.found {
		spec := service.NetworkSpec{Name: &n.Name, Permalink: &n.Permalink, Default: &n.Default}
		p.create(kindNetwork, n.Permalink, func(ctx context.Context) (string, error) {
			spec.DataCenterID = p.ids.of(kindDataCenter, n.DataCenter)
			created, err := p.svc.CreateNetwork(ctx, spec)
			return created.ID, err
		})
		return nil
	}

	// The store keeps a network in the data center it was made in.
	if old.DataCenter.Permalink != n.DataCenter {
		return fmt.Errorf("data center cannot change from %s to %s",
			old.DataCenter.Permalink, n.DataCenter)
	}
	p.ids[ref{kindNetwork, n.Permalink}] = old.ID
	var spec service.NetworkSpec
	var f fields
	change(&f, "name", old.Name, n.Name, &spec.Name)
	change(&f, "default", old.Default, n.Default, &spec.Default)
	p.update(kindNetwork, n.Permalink, f, func(ctx context.Context) error {
		return errOf(p.svc.UpdateNetwork(ctx, old.ID, spec))
	})
	return nil
}

// pools plans the pools of the network with the given permalink: want as
// the file lists them, have as the database holds them.
func (p *planner) pools(network string, want []Pool, have []domain.Pool) error {
	parsed := make([]domain.Pool, len(want))
	for i, pool := range want {
		var err error
		if parsed[i], err = pool.parse(i); err != nil {
			return fmt.Errorf("pool %s: %w", pool.Prefix, err)
		}
	}
	key := func(pool domain.Pool) string { return pool.Prefix.String() + " in " + network }
	pairs, extra, err := match(p, kindPool, parsed, key, have, key)
	if err != nil {
		return err
	}
	for _, m := range pairs {
		if m.found {
			p.updatePool(key(m.want), m.have, m.want)
		} else {
			p.createPool(network, key(m.want), m.want)
		}
	}
	for _, pool := range extra {
		p.delete(kindPool, key(pool), func(ctx context.Context) error {
			return p.svc.DeletePool(ctx, pool.ID)
		})
	}
	return nil
}

func (p *planner) createPool(network, key string, pool domain.Pool) {
	prefix, gateway := pool.Prefix.String(), addrText(pool.Gateway)
	ranges, reserved := rangeTexts(pool.Ranges), rangeTexts(pool.Reserved)
	strategy, reuse := string(pool.Strategy), string(pool.Reuse)
	spec := service.PoolSpec{
		Prefix: &prefix, Gateway: &gateway, Ranges: &ranges, Reserved: &reserved,
		Strategy: &strategy, Reuse: &reuse, Position: &pool.Position,
	}
	p.create(kindPool, key, func(ctx context.Context) (string, error) {
		spec.NetworkID = p.ids.of(kindNetwork, network)
		created, err := p.svc.CreatePool(ctx, spec)
		return created.ID, err
	})
}

func (p *planner) updatePool(key string, old, pool domain.Pool) {
	var spec service.PoolSpec
	var f fields
	change(&f, "gateway", addrText(old.Gateway), addrText(pool.Gateway), &spec.Gateway)
	changeList(&f, "ranges", rangeTexts(old.Ranges), rangeTexts(pool.Ranges), &spec.Ranges)
	changeList(&f, "reserved", rangeTexts(old.Reserved), rangeTexts(pool.Reserved), &spec.Reserved)
	change(&f, "strategy", string(old.Strategy), string(pool.Strategy), &spec.Strategy)
	change(&f, "reuse", string(old.Reuse), string(pool.Reuse), &spec.Reuse)
	change(&f, "position", old.Position, pool.Position, &spec.Position)
	p.update(kindPool, key, f, func(ctx context.Context) error {
		return errOf(p.svc.UpdatePool(ctx, old.ID, spec))
	})
}

// parse returns the pool as the database holds it at position in its
// network's list, defaults filled in, or why it is not valid.
func (p Pool) parse(position int) (domain.Pool, error) {
	out := domain.Pool{Position: position}
	var err error
	if out.Prefix, err = ipam.ParsePrefix(p.Prefix); err != nil {
		return out, err
	}
	if p.Gateway != "" {
		if out.Gateway, err = ipam.ParseAddr(p.Gateway); err != nil {
			return out, fmt.Errorf("gateway: %w", err)
		}
	}
	if out.Ranges, err = parseRanges(p.Ranges); err != nil {
		return out, fmt.Errorf("ranges: %w", err)
	}
	if out.Reserved, err = parseRanges(p.Reserved); err != nil {
		return out, fmt.Errorf("reserved: %w", err)
	}
	if out.Strategy, err = ipam.ParseStrategy(p.Strategy); err != nil {
		return out, err
	}
	if out.Reuse, err = ipam.ParseReuse(p.Reuse); err != nil {
		return out, err
	}
	return out, out.Pool.Validate()
}

func parseRanges(items []string) ([]ipam.Range, error) {
	out := make([]ipam.Range, 0, len(items))
	for _, item := range items {
		r, err := ipam.ParseRange(item)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, nil
}

// addrText returns a as the file writes it: empty for none.
func addrText(a netip.Addr) string {
	if !a.IsValid() {
		return ""
	}
	return a.String()
}

// rangeTexts returns ranges in the canonical form "A" or "A-B", so that
// "10.0.0.0/30" in the file and "10.0.0.0-10.0.0.3" in the database are
// the same range.
func rangeTexts(ranges []ipam.Range) []string {
	out := make([]string, len(ranges))
	for i, r := range ranges {
		out[i] = r.String()
	}
	return out
}
