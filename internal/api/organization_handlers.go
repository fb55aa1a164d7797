package api

import (
	"github.com/google/uuid"

	"github.com/ipd/ipd/internal/domain"
)

// organizationSummaryJSON is an organization as production lists it. Its
// fields open the full organizationJSON too, in the same order.
type organizationSummaryJSON struct {
	ID                   string `json:"id"`
	Name                 string `json:"name"`
	SubDomain            string `json:"sub_domain"`
	InfrastructureDomain string `json:"infrastructure_domain"`
	CreatedAt            int64  `json:"created_at"`
	ActivatedAt          *int64 `json:"activated_at"`
	Suspended            bool   `json:"suspended"`
	Managed              bool   `json:"managed"`
}

// organizationJSON is the full organization. ipd keeps no billing details,
// so the fields production fills from them are null, as production shows
// an organization that has none.
type organizationJSON struct {
	organizationSummaryJSON

	// UUID is the organization's RFC 4122 identifier, which production
	// shows beside its ID; ipd derives it from the ID, so it never changes.
	UUID string `json:"uuid"`

	BillingName *string `json:"billing_name"`
	Address1    *string `json:"address1"`
	Address2    *string `json:"address2"`
	Address3    *string `json:"address3"`
	Address4    *string `json:"address4"`
	Postcode    *string `json:"postcode"`
	VATNumber   *string `json:"vat_number"`
	PhoneNumber *string `json:"phone_number"`

	// TODO: ipd keeps no currencies, so currency, an object in production,
	// is always null until organizations carry one.
	Currency *struct{} `json:"currency"`

	Country      *countryJSON `json:"country"`
	CountryState *struct{}    `json:"country_state"`
}

// presentOrganizationSummary shows o as an organization that was activated
// when it was created and has never been suspended or managed, which is
// all ipd knows of organizations.
func presentOrganizationSummary(o domain.Organization) organizationSummaryJSON {
	created := o.CreatedAt.Unix()
	return organizationSummaryJSON{
		ID:                   o.ID,
		Name:                 o.Name,
		SubDomain:            o.SubDomain,
		InfrastructureDomain: o.InfrastructureDomain,
		CreatedAt:            created,
		ActivatedAt:          &created,
	}
}

// organizationNamespace is the UUID namespace of organizations' UUIDs.
var organizationNamespace = uuid.MustParse("5f1a0c1e-7d2b-4c38-9a61-2b3f8e4d6c70")

// presentOrganization shows o in full; it is billed under its own name.
func presentOrganization(o domain.Organization) organizationJSON {
	return organizationJSON{
		organizationSummaryJSON: presentOrganizationSummary(o),
		UUID:                    uuid.NewSHA1(organizationNamespace, []byte(o.ID)).String(),
		BillingName:             &o.Name,
	}
}

type organizationsResponse struct {
	Organizations []organizationSummaryJSON `json:"organizations"`
}

// listOrganizationsHandler serves GET organizations: the organizations
// the caller has access to, which for an API token is its own.
func listOrganizationsHandler(h *Handler, c *call) (any, error) {
	orgs, err := h.svc.Organizations(c.ctx, c.caller)
	if err != nil {
		return nil, err
	}

	return organizationsResponse{Organizations: presentEach(orgs, presentOrganizationSummary)}, nil
}

type organizationResponse struct {
	Organization organizationJSON `json:"organization"`
}

// getOrganizationHandler serves GET organizations/:organization.
func getOrganizationHandler(h *Handler, c *call) (any, error) {
	l := c.args.lookup("organization")
	o, err := h.svc.Organization(c.ctx, c.caller, l.key, l.value)
	if err != nil {
		return nil, err
	}
	return organizationResponse{Organization: presentOrganization(o)}, nil
}
