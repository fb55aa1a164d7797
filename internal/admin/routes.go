package admin

import (
	"context"
	"fmt"
	"math"
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/ipd/ipd/internal/domain"
	"github.com/ipd/ipd/internal/service"
	"github.com/ipd/ipd/internal/store"
)

// resource is one kind of registered object and the operations on it,
// routed as GET and POST on /admin/v1/<many>, and GET, PATCH and DELETE
// on /admin/v1/<many>/{id}. A nil operation has no route.
type resource[T, Spec any] struct {
	one, many string
	list      func(r *http.Request) (map[string]any, error)
	get       func(ctx context.Context, id string) (T, error)
	create    func(ctx context.Context, spec Spec) (T, error)
	update    func(ctx context.Context, id string, spec Spec) (T, error)
	remove    func(ctx context.Context, id string) error
}

func addResource[T, Spec any](h *Handler, res resource[T, Spec]) {
	base := Prefix + "/" + res.many
	h.handle("GET "+base, func(r *http.Request) (result, error) {
		body, err := res.list(r)
		return result{http.StatusOK, body}, err
	})
	h.handle("GET "+base+"/{id}", func(r *http.Request) (result, error) {
		obj, err := res.get(r.Context(), r.PathValue("id"))
		return result{http.StatusOK, map[string]any{res.one: obj}}, err
	})
	if res.create != nil {
		h.handle("POST "+base, func(r *http.Request) (result, error) {
			obj, err := withSpec(r, func(spec Spec) (T, error) { return res.create(r.Context(), spec) })
			return result{http.StatusCreated, map[string]any{res.one: obj}}, err
		})
	}
	if res.update != nil {
		h.handle("PATCH "+base+"/{id}", func(r *http.Request) (result, error) {
			obj, err := withSpec(r, func(spec Spec) (T, error) {
				return res.update(r.Context(), r.PathValue("id"), spec)
			})
			return result{http.StatusOK, map[string]any{res.one: obj}}, err
		})
	}
	h.handle("DELETE "+base+"/{id}", func(r *http.Request) (result, error) {
		return result{status: http.StatusNoContent}, res.remove(r.Context(), r.PathValue("id"))
	})
}

// withSpec decodes r's body as a Spec and runs fn with it.
func withSpec[Spec, T any](r *http.Request, fn func(Spec) (T, error)) (T, error) {
	var spec Spec
	if err := decode(r, &spec); err != nil {
		var zero T
		return zero, err
	}
	return fn(spec)
}

// routes lays out the operator API.
func (h *Handler) routes() {
	svc := h.svc
	addResource(h, resource[domain.Country, service.CountrySpec]{
		one: "country", many: "countries",
		list: func(r *http.Request) (map[string]any, error) {
			return paged(r, "countries", svc.Countries)
		},
		get:    func(ctx context.Context, id string) (domain.Country, error) { return svc.Country(ctx, "id", id) },
		create: svc.CreateCountry, update: svc.UpdateCountry, remove: svc.DeleteCountry,
	})
	addResource(h, resource[domain.DataCenter, service.DataCenterSpec]{
		one: "data_center", many: "data_centers",
		list: func(r *http.Request) (map[string]any, error) { return all(r, "data_centers", svc.DataCenters) },
		get: func(ctx context.Context, id string) (domain.DataCenter, error) {
			return svc.DataCenter(ctx, "id", id)
		},
		create: svc.CreateDataCenter, update: svc.UpdateDataCenter, remove: svc.DeleteDataCenter,
	})
	addResource(h, resource[domain.Network, service.NetworkSpec]{
		one: "network", many: "networks",
		list:   func(r *http.Request) (map[string]any, error) { return all(r, "networks", svc.Networks) },
		get:    func(ctx context.Context, id string) (domain.Network, error) { return svc.Network(ctx, "id", id) },
		create: svc.CreateNetwork, update: svc.UpdateNetwork, remove: svc.DeleteNetwork,
	})
	addResource(h, resource[domain.Pool, service.PoolSpec]{
		one: "pool", many: "pools",
		list: h.listPools, get: svc.Pool,
		create: svc.CreatePool, update: svc.UpdatePool, remove: svc.DeletePool,
	})
	addResource(h, resource[domain.Organization, service.OrganizationSpec]{
		one: "organization", many: "organizations",
		list:   func(r *http.Request) (map[string]any, error) { return all(r, "organizations", svc.AllOrganizations) },
		get:    svc.OrganizationByID,
		create: svc.CreateOrganization, update: svc.UpdateOrganization, remove: svc.DeleteOrganization,
	})
	addResource(h, resource[domain.VirtualMachine, service.VirtualMachineSpec]{
		one: "virtual_machine", many: "virtual_machines",
		list: func(r *http.Request) (map[string]any, error) {
			return pagedChildren(r, "virtual_machines", "organization_id", svc.OrganizationVirtualMachines)
		},
		get:    svc.VirtualMachineByID,
		create: svc.CreateVirtualMachine, update: svc.UpdateVirtualMachine, remove: svc.DeleteVirtualMachine,
	})
	addResource(h, resource[domain.Interface, service.InterfaceSpec]{
		one: "interface", many: "interfaces",
		list: func(r *http.Request) (map[string]any, error) {
			return pagedChildren(r, "interfaces", "virtual_machine_id", svc.VirtualMachineInterfaces)
		},
		get:    svc.InterfaceByID,
		create: svc.CreateInterface, update: svc.UpdateInterface, remove: svc.DeleteInterface,
	})
	addResource(h, resource[domain.APIToken, apiTokenSpec]{
		one: "api_token", many: "api_tokens",
		list: func(r *http.Request) (map[string]any, error) {
			return pagedChildren(r, "api_tokens", "organization_id", svc.OperatorAPITokens)
		},
		get:    svc.OperatorAPIToken,
		update: h.updateAPIToken, remove: svc.OperatorDeleteAPIToken,
	})
	h.handle("POST "+Prefix+"/api_tokens", h.createAPIToken)
	h.handle("GET "+Prefix+"/audit_log", h.auditLog)
}

func (h *Handler) listPools(r *http.Request) (map[string]any, error) {
	pools, err := h.svc.AllPools(r.Context())
	if network := r.URL.Query().Get("network_id"); network != "" {
		pools = slices.DeleteFunc(pools, func(p domain.Pool) bool { return p.NetworkID != network })
	}
	return map[string]any{"pools": nonNil(pools)}, err
}

// apiTokenSpec is what an operator sets of a customer API token: the
// customer API's fields, and the organization and rate limit, which only
// an operator sets.
type apiTokenSpec struct {
	OrganizationID        *string    `json:"organization_id"`
	Name                  *string    `json:"name"`
	Scopes                *[]string  `json:"scopes"`
	AuthorizedIPAddresses *[]string  `json:"authorized_ip_addresses"`
	ExpiresAt             *time.Time `json:"expires_at"`
	RateLimit             *int       `json:"rate_limit"`
}

func (s apiTokenSpec) properties() service.APITokenProperties {
	return service.APITokenProperties{
		Name: s.Name, Scopes: s.Scopes, AuthorizedIPAddresses: s.AuthorizedIPAddresses,
		ExpiresAt: s.ExpiresAt, RateLimit: s.RateLimit,
	}
}

// createAPIToken answers the new token with its secret, shown this once.
func (h *Handler) createAPIToken(r *http.Request) (result, error) {
	var spec apiTokenSpec
	if err := decode(r, &spec); err != nil {
		return result{}, err
	}
	if spec.OrganizationID == nil {
		return result{}, &domain.ValidationError{Messages: []string{"organization_id can't be blank"}}
	}
	t, secret, err := h.svc.OperatorCreateAPIToken(r.Context(), *spec.OrganizationID, spec.properties())
	return result{http.StatusCreated, map[string]any{"api_token": t, "secret": secret}}, err
}

func (h *Handler) updateAPIToken(ctx context.Context, id string, spec apiTokenSpec) (domain.APIToken, error) {
	if spec.OrganizationID != nil {
		return domain.APIToken{}, &domain.ValidationError{Messages: []string{"organization_id cannot be changed"}}
	}
	return h.svc.OperatorUpdateAPIToken(ctx, id, spec.properties())
}

// auditLog answers a page of the audit log, newest first, optionally of
// one object_type or object_id.
func (h *Handler) auditLog(r *http.Request) (result, error) {
	page, err := pageOf(r)
	if err != nil {
		return result{}, err
	}
	q := r.URL.Query()
	entries, total, err := h.svc.AuditLog(r.Context(), store.AuditListParams{
		ObjectType: q.Get("object_type"), ObjectID: q.Get("object_id"), Page: page,
	})
	return result{http.StatusOK, pageBody("audit_log", entries, total, page)}, err
}

// all answers every object list returns.
func all[T any](r *http.Request, many string, list func(context.Context) ([]T, error)) (map[string]any, error) {
	items, err := list(r.Context())
	return map[string]any{many: nonNil(items)}, err
}

// paged answers the page of objects the request's page and per_page ask
// for.
func paged[T any](
	r *http.Request, many string, list func(context.Context, domain.Page) ([]T, int, error),
) (map[string]any, error) {
	page, err := pageOf(r)
	if err != nil {
		return nil, err
	}
	items, total, err := list(r.Context(), page)
	return pageBody(many, items, total, page), err
}

// pagedChildren is paged for objects listed by their parent, whose ID the
// query parameter parent gives.
func pagedChildren[T any](
	r *http.Request, many, parent string, list func(context.Context, string, domain.Page) ([]T, int, error),
) (map[string]any, error) {
	id := r.URL.Query().Get(parent)
	if id == "" {
		return nil, errMissingParameter(parent)
	}
	return paged(r, many, func(ctx context.Context, page domain.Page) ([]T, int, error) {
		return list(ctx, id, page)
	})
}

func pageBody[T any](many string, items []T, total int, page domain.Page) map[string]any {
	return map[string]any{many: nonNil(items), "total": total, "page": page.Number, "per_page": page.PerPage}
}

// nonNil makes an empty list encode as [] rather than null.
func nonNil[T any](items []T) []T {
	if items == nil {
		return []T{}
	}
	return items
}

// maxPerPage bounds a page of a list.
const maxPerPage = 1000

// pageOf reads the page (from 1, default 1) and per_page (1 to
// maxPerPage, default 100) query parameters.
func pageOf(r *http.Request) (domain.Page, error) {
	number, err := intParam(r, "page", 1, math.MaxInt)
	if err != nil {
		return domain.Page{}, err
	}
	perPage, err := intParam(r, "per_page", 100, maxPerPage)
	return domain.Page{Number: number, PerPage: perPage}, err
}

// intParam reads the query parameter name as a whole number from 1 to
// most, or def when it is absent.
func intParam(r *http.Request, name string, def, most int) (int, error) {
	text := r.URL.Query().Get(name)
	if text == "" {
		return def, nil
	}
	n, err := strconv.Atoi(text)
	if err != nil || n < 1 || n > most {
		return 0, errBadParameter(name, fmt.Sprintf("must be a whole number from 1 to %d", most))
	}
	return n, nil
}
