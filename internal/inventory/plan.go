package inventory

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/ipd/ipd/internal/domain"
	"github.com/ipd/ipd/internal/service"
)

// Plan is the list of changes that bring a database to an inventory, in
// the order Apply makes them:
//
//	deletes             interfaces, virtual machines, organizations,
//	                    pools, networks, data centers
//	creates and updates countries, data centers, networks, pools,
//	                    organizations, virtual machines, interfaces
//	deletes             countries
//
// Deletes come first, children before parents, so that an object the file
// drops frees its pool prefix or MAC address before one the file adds
// takes it. Countries are deleted last, since a data center may move from
// one to a country the file adds. Deleting an organization or a virtual
// machine deletes what it holds, so the plan lists that delete alone. An
// empty Plan changes nothing.
type Plan []Change

// Change is one step of a Plan: the creation, update or deletion of one
// object.
type Change struct {
	// Action is domain.ActionCreate, domain.ActionUpdate or
	// domain.ActionDelete.
	Action string

	// Kind is "country", "data center", "network", "pool",
	// "organization", "virtual machine" or "interface".
	Kind string

	// Key names the object by its natural key, with its parents' where
	// they are part of it: "GB", "uk-lon-01", "10.0.0.0/29 in
	// uk-lon-01-public", "acme", "web-1 of acme" or "uk-lon-01-public on
	// web-1 of acme".
	Key string

	// Fields lists what an update changes, in the file's order of fields;
	// it is empty for a create or a delete.
	Fields []FieldChange

	// run makes the change.
	run func(context.Context) error
}

// FieldChange is one field an update changes, named as the file names
// it. From and To are its values in the database and in the file as a
// change shows them: quoted when empty or holding a space or comma, and
// lists in brackets.
type FieldChange struct {
	Name     string
	From, To string
}

// String returns the change as one line, such as "create organization
// initech" or "update pool 10.0.0.0/29 in uk-lon-01-public: gateway
// 10.0.0.1 -> 10.0.0.6".
func (c Change) String() string {
	var b strings.Builder
	b.WriteString(c.Action + " " + c.Kind + " " + c.Key)
	for i, f := range c.Fields {
		if i == 0 {
			b.WriteString(": ")
		} else {
			b.WriteString(", ")
		}
		b.WriteString(f.Name + " " + f.From + " -> " + f.To)
	}
	return b.String()
}

// The kinds of object an inventory holds.
const (
	kindCountry        = "country"
	kindDataCenter     = "data center"
	kindNetwork        = "network"
	kindPool           = "pool"
	kindOrganization   = "organization"
	kindVirtualMachine = "virtual machine"
	kindInterface      = "interface"
)

// kinds lists the kinds parents first.
var kinds = []string{
	kindCountry, kindDataCenter, kindNetwork, kindPool,
	kindOrganization, kindVirtualMachine, kindInterface,
}

// phase returns where c goes in the order Plan describes: deletes by
// kind, children first; then creates and updates by kind, parents first;
// then deletes of countries.
func phase(c Change) int {
	i := slices.Index(kinds, c.Kind)
	switch {
	case c.Action != domain.ActionDelete:
		return len(kinds) + i
	case c.Kind == kindCountry:
		return 2 * len(kinds)
	}
	return len(kinds) - 1 - i
}

// NewPlan reads the database through svc and returns the changes, to be
// made through svc, that bring it to inv; it changes nothing. It refuses
// an inventory that lists a key twice, names a parent it does not list,
// holds a value it cannot parse, or moves a network or virtual machine to
// another data center. The service checks the rest when the plan is
// applied.
func NewPlan(ctx context.Context, svc *service.Service, inv Inventory) (Plan, error) {
	p := &planner{ctx: ctx, svc: svc, ids: ids{}, listed: map[ref]bool{}}
	steps := []func(Inventory) error{p.countries, p.dataCenters, p.networks, p.organizations}
	for _, step := range steps {
		if err := step(inv); err != nil {
			return nil, err
		}
	}
	slices.SortStableFunc(p.plan, func(a, b Change) int { return cmp.Compare(phase(a), phase(b)) })
	return p.plan, nil
}

// planner builds a plan, kind by kind, parents first. The changes it
// plans run on its svc.
type planner struct {
	ctx  context.Context
	svc  *service.Service
	plan Plan

	// ids holds the IDs of the objects the file lists: those the database
	// has are set while planning, and those the plan creates as Apply
	// creates them, so that a child's create can name a parent made
	// moments before.
	ids ids

	// listed holds every key the file lists, for the references of the
	// kinds planned after it.
	listed map[ref]bool
}

// ref names an object by kind and key.
type ref struct {
	kind, key string
}

// ids maps objects to their IDs.
type ids map[ref]string

// of returns the ID of the object kind key as it is when called.
func (m ids) of(kind, key string) *string {
	id := m[ref{kind, key}]
	return &id
}

// pair is an object the file lists with its namesake in the database,
// when found.
type pair[W, H any] struct {
	want  W
	have  H
	found bool
}

// match pairs each object of want with the first object of have that has
// its key, in want's order, and returns the objects of have that none of
// want claims, in have's order. It records want's keys as listed and
// refuses a key listed twice.
func match[W, H any](
	p *planner, kind string,
	want []W, wantKey func(W) string,
	have []H, haveKey func(H) string,
) ([]pair[W, H], []H, error) {
	byKey := make(map[string]H, len(have))
	for _, h := range slices.Backward(have) {
		byKey[haveKey(h)] = h
	}

	pairs := make([]pair[W, H], 0, len(want))
	for _, w := range want {
		key := wantKey(w)
		if p.listed[ref{kind, key}] {
			return nil, nil, fmt.Errorf("%s %s is listed twice", kind, key)
		}
		p.listed[ref{kind, key}] = true
		h, found := byKey[key]
		pairs = append(pairs, pair[W, H]{want: w, have: h, found: found})
	}

	// An object whose key the file lists is claimed once; any other of
	// the same key is as unlisted as one of a key the file lacks.
	var extra []H
	claimed := map[string]bool{}
	for _, h := range have {
		key := haveKey(h)
		if !p.listed[ref{kind, key}] || claimed[key] {
			extra = append(extra, h)
		}
		claimed[key] = true
	}
	return pairs, extra, nil
}

// need refuses a reference to an object the file does not list, which
// the plan would delete.
func (p *planner) need(kind, key string) error {
	if !p.listed[ref{kind, key}] {
		return fmt.Errorf("%s %s is not in the inventory", kind, key)
	}
	return nil
}

// create adds the creation of an object to the plan. run makes it and
// returns its ID, which later creates of its children need.
func (p *planner) create(kind, key string, run func(context.Context) (string, error)) {
	p.plan = append(p.plan, Change{Action: domain.ActionCreate, Kind: kind, Key: key,
		run: func(ctx context.Context) error {
			id, err := run(ctx)
			p.ids[ref{kind, key}] = id
			return err
		},
	})
}

// update adds the update of an object to the plan, unless it changes
// nothing.
func (p *planner) update(kind, key string, f fields, run func(context.Context) error) {
	if len(f) > 0 {
		p.plan = append(p.plan, Change{
			Action: domain.ActionUpdate, Kind: kind, Key: key, Fields: f, run: run,
		})
	}
}

// delete adds the deletion of an object to the plan.
func (p *planner) delete(kind, key string, run func(context.Context) error) {
	p.plan = append(p.plan, Change{Action: domain.ActionDelete, Kind: kind, Key: key, run: run})
}

// fields collects the fields an update changes.
type fields []FieldChange

// change records that the field name goes from have to want, when they
// differ, and points *spec at want so that the update sets it.
func change[T comparable](f *fields, name string, have, want T, spec **T) {
	if have == want {
		return
	}
	from, to := fmt.Sprint(have), fmt.Sprint(want)
	*f = append(*f, FieldChange{Name: name, From: show(from), To: show(to)})
	*spec = &want
}

// changeList is change for a list.
func changeList(f *fields, name string, have, want []string, spec **[]string) {
	if slices.Equal(have, want) {
		return
	}
	*f = append(*f, FieldChange{Name: name, From: showList(have), To: showList(want)})
	*spec = &want
}

// show returns a value as a change shows it: as is, or quoted when it is
// empty or holds a space, comma or quote, so that it reads as one value.
func show(s string) string {
	if s == "" || strings.ContainsAny(s, ` ,"[]`) {
		return strconv.Quote(s)
	}
	return s
}

func showList(items []string) string {
	shown := make([]string, len(items))
	for i, item := range items {
		shown[i] = show(item)
	}
	return "[" + strings.Join(shown, ", ") + "]"
}

// errOf returns the error of a call whose result a change does not need.
func errOf[T any](_ T, err error) error {
	return err
}

// everything returns every object of a paged list.
func everything[T any](list func(domain.Page) ([]T, int, error)) ([]T, error) {
	var out []T
	for page := (domain.Page{Number: 1, PerPage: 100}); ; page.Number++ {
		items, total, err := list(page)
		if err != nil {
			return nil, err
		}
		out = append(out, items...)
		if len(items) == 0 || len(out) >= total {
			return out, nil
		}
	}
}
