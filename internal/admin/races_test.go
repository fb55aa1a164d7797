package admin_test

import (
	"net/http"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ipd/ipd/internal/store"
	"github.com/ipd/ipd/internal/store/storetest"
)

// racer is a registered place with a /24 pool, an organization whose token
// can allocate, and two machines with an interface each; web-1's has
// addresses.
type racer struct {
	*env
	place
	customer           string
	vm1, vm2, if1, if2 string
	addresses          []string // on if1, highest ID first
}

func newRacer(t *testing.T, engine string, addresses int) *racer {
	r := &racer{env: newEnv(t, engine)}
	r.place = r.register()
	res := r.admin(http.MethodPatch, "/pools/"+r.pool, `{"prefix":"10.0.0.0/24"}`)
	require.Equal(t, http.StatusOK, res.status, res.raw)
	r.customer = r.customerToken(r.org)
	r.vm1, r.if1 = r.machine("web-1")
	r.vm2, r.if2 = r.machine("web-2")
	for range addresses {
		res := r.allocate(r.if1)
		require.Equal(t, http.StatusOK, res.status, res.raw)
		r.addresses = append(r.addresses, res.str("ip_address", "id"))
	}
	// The removals walk addresses in ID order; the customer starts from
	// the other end, so that the two meet in the middle.
	slices.Sort(r.addresses)
	slices.Reverse(r.addresses)
	return r
}

func (r *racer) machine(hostname string) (vm, iface string) {
	vm = r.create("virtual_machines", "virtual_machine", `{"organization_id":"`+r.org+
		`","data_center_id":"`+r.dataCenter+`","name":"`+hostname+`","hostname":"`+hostname+`"}`)
	iface = r.create("interfaces", "interface", `{"virtual_machine_id":"`+vm+`","network_id":"`+r.network+`"}`)
	return vm, iface
}

func (r *racer) allocate(iface string) response {
	return r.do(http.MethodPost, "/core/v1/virtual_machine_network_interfaces/_/allocate_new_ip", r.customer,
		`{"virtual_machine_network_interface":{"id":"`+iface+`"},"address_version":"ipv4"}`)
}

// meanwhile runs work in 4 goroutines, each over its share of the
// addresses, while removal runs, and returns removal's answer and every
// status work saw.
func (r *racer) meanwhile(removal func() response, work func(address string) []int) (response, []int) {
	var mu sync.Mutex
	var statuses []int
	var wg sync.WaitGroup
	start := make(chan struct{})
	for w := range 4 {
		wg.Go(func() {
			<-start
			for i := w; i < len(r.addresses); i += 4 {
				got := work(r.addresses[i])
				mu.Lock()
				statuses = append(statuses, got...)
				mu.Unlock()
			}
		})
	}
	close(start)
	res := removal()
	wg.Wait()
	return res, statuses
}

// poolAllocated returns the pool's count of addresses.
func (r *racer) poolAllocated() float64 {
	return r.admin(http.MethodGet, "/pools/"+r.pool, "").field("pool", "allocated").(float64)
}

// TestRemovalsRaceTheCustomer removes a virtual machine or an organization
// while its customer deletes or moves the machine's addresses: the removal
// succeeds, touches no address it does not own, and neither side gets a
// 500.
func TestRemovalsRaceTheCustomer(t *testing.T) {
	storetest.Each(t, func(t *testing.T, engine string) {
		t.Run("virtual machine while addresses are deleted", func(t *testing.T) {
			r := newRacer(t, engine, 60)
			res, statuses := r.meanwhile(
				func() response { return r.admin(http.MethodDelete, "/virtual_machines/"+r.vm1, "") },
				func(address string) []int {
					return []int{r.do(http.MethodDelete, "/core/v1/ip_addresses/"+address, r.customer, "").status}
				})
			assert.Equal(t, http.StatusNoContent, res.status, res.raw)
			assert.NotContains(t, statuses, http.StatusInternalServerError)
		})
		t.Run("virtual machine while addresses move away", func(t *testing.T) {
			r := newRacer(t, engine, 60)
			res, statuses := r.meanwhile(
				func() response { return r.admin(http.MethodDelete, "/virtual_machines/"+r.vm1, "") },
				func(address string) []int {
					unallocated := r.do(http.MethodPost, "/core/v1/ip_addresses/"+address+"/unallocate", r.customer, "")
					moved := r.do(http.MethodPost, "/core/v1/virtual_machine_network_interfaces/_/allocate_ip",
						r.customer, `{"virtual_machine_network_interface":{"id":"`+r.if2+`"},`+
							`"ip_address":{"id":"`+address+`"}}`)
					return []int{unallocated.status, moved.status}
				})
			assert.Equal(t, http.StatusNoContent, res.status, res.raw)
			assert.NotContains(t, statuses, http.StatusInternalServerError)
			on2 := r.do(http.MethodGet, "/core/v1/organizations/"+r.org+"/ip_addresses?per_page=200", r.customer, "")
			require.Equal(t, http.StatusOK, on2.status, on2.raw)
			for _, a := range on2.field("ip_addresses").([]any) {
				address := a.(map[string]any)
				if address["allocation_id"] != nil {
					assert.Equal(t, r.vm2, address["allocation_id"], "only web-2 holds addresses now")
				}
			}
			assert.Equal(t, 60.0, r.poolAllocated(), "every address stays in the organization")
		})
		t.Run("organization while addresses are deleted and allocated", func(t *testing.T) {
			r := newRacer(t, engine, 60)
			res, statuses := r.meanwhile(
				func() response { return r.admin(http.MethodDelete, "/organizations/"+r.org, "") },
				func(address string) []int {
					return []int{
						r.do(http.MethodDelete, "/core/v1/ip_addresses/"+address, r.customer, "").status,
						r.allocate(r.if2).status,
					}
				})
			assert.Equal(t, http.StatusNoContent, res.status, res.raw)
			assert.NotContains(t, statuses, http.StatusInternalServerError)
			assert.Zero(t, r.poolAllocated(), "every address went back to the pool")
		})
	})
}

// TestConcurrentPoolsDoNotOverlap creates six overlapping pools in one
// network at once, through two servers, a few times over: each time
// exactly one is created.
func TestConcurrentPoolsDoNotOverlap(t *testing.T) {
	storetest.Each(t, func(t *testing.T, engine string) {
		e := newEnv(t, engine)
		p := e.register()
		servers := []*env{e, newEnvOn(t, e.dbURL, e.operator)}
		for round := range 5 {
			var mu sync.Mutex
			var statuses []int
			var wg sync.WaitGroup
			for bits := 24; bits <= 29; bits++ {
				wg.Go(func() {
					res := servers[bits%2].admin(http.MethodPost, "/pools", `{"network_id":"`+p.network+
						`","prefix":"10.`+strconv.Itoa(100+round)+`.0.0/`+strconv.Itoa(bits)+`"}`)
					mu.Lock()
					statuses = append(statuses, res.status)
					mu.Unlock()
				})
			}
			wg.Wait()
			slices.Sort(statuses)
			require.Equal(t, []int{201, 422, 422, 422, 422, 422}, statuses, "round %d", round)
		}
	})
}

// TestConcurrentPatchesKeepBoth changes two fields of one object at once:
// neither change undoes the other.
func TestConcurrentPatchesKeepBoth(t *testing.T) {
	storetest.Each(t, func(t *testing.T, engine string) {
		e := newEnv(t, engine)
		p := e.register()
		for round := range 10 {
			name, zone := "Acme "+strconv.Itoa(round), "acme"+strconv.Itoa(round)+".example"
			var wg sync.WaitGroup
			wg.Go(func() { e.admin(http.MethodPatch, "/organizations/"+p.org, `{"name":"`+name+`"}`) })
			wg.Go(func() {
				e.admin(http.MethodPatch, "/organizations/"+p.org, `{"infrastructure_domain":"`+zone+`"}`)
			})
			wg.Wait()
			res := e.admin(http.MethodGet, "/organizations/"+p.org, "")
			require.Equal(t, name, res.str("organization", "name"))
			require.Equal(t, zone, res.str("organization", "infrastructure_domain"))
		}
	})
}

// TestOrganizationDeleteWhileAllocating removes an organization while
// eight of its clients allocate as fast as they can: the removal succeeds,
// no client gets a 500, every address goes back to the pool, and no
// transaction had to be retried. PostgreSQL retries only a deadlock here,
// which a wrong lock order would cause; the store would hide it behind a
// retry, and a slow one.
func TestOrganizationDeleteWhileAllocating(t *testing.T) {
	storetest.Each(t, func(t *testing.T, engine string) {
		r := newRacer(t, engine, 0)
		var retried atomic.Int64
		r.store.ObserveTransactions(func(tx store.TxStats) { retried.Add(int64(tx.Attempts - 1)) })
		var mu sync.Mutex
		var statuses []int
		stop := make(chan struct{})
		started := make(chan struct{}, 8)
		var wg sync.WaitGroup
		for range 8 {
			wg.Go(func() {
				for first := true; ; first = false {
					select {
					case <-stop:
						return
					default:
					}
					status := r.allocate(r.if2).status
					mu.Lock()
					statuses = append(statuses, status)
					mu.Unlock()
					if first {
						started <- struct{}{}
					}
				}
			})
		}
		for range 8 {
			<-started
		}
		res := r.admin(http.MethodDelete, "/organizations/"+r.org, "")
		close(stop)
		wg.Wait()
		assert.Equal(t, http.StatusNoContent, res.status, res.raw)
		assert.NotContains(t, statuses, http.StatusInternalServerError)
		assert.Zero(t, r.poolAllocated(), "every address went back to the pool")
		assert.Zero(t, retried.Load(), "no transaction deadlocked")
	})
}
