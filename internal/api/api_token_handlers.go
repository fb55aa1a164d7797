package api

import (
	"time"

	"github.com/ipd/ipd/internal/domain"
	"github.com/ipd/ipd/internal/service"
)

// maxUnixSeconds is the last second of the year 9999.
const maxUnixSeconds = 253402300799

type apiTokensResponse struct {
	Pagination paginationJSON `json:"pagination"`
	APITokens  []apiTokenJSON `json:"api_tokens"`
}

// apiTokenResponse answers a create or an update. ipd keeps no
// annotations, so the list is always empty.
type apiTokenResponse struct {
	APIToken    apiTokenJSON   `json:"api_token"`
	Annotations []keyValueJSON `json:"annotations"`
}

type keyValueJSON struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

type apiTokenSecretResponse struct {
	APIToken apiTokenJSON `json:"api_token"`
}

type deletedAPITokenResponse struct {
	APIToken idName `json:"api_token"`
}

// listAPITokensHandler serves GET organizations/:organization/api_tokens.
func listAPITokensHandler(h *Handler, c *call) (any, error) {
	org := c.args.lookup("organization")
	page := c.args.page()
	tokens, total, err := h.svc.OrganizationAPITokens(c.ctx, c.caller, org.key, org.value, page)
	if err != nil {
		return nil, err
	}

	out := presentEach(tokens, func(t domain.APIToken) apiTokenJSON { return presentAPIToken(t, "") })
	return apiTokensResponse{Pagination: presentPagination(page, total), APITokens: out}, nil
}

// createAPITokenHandler serves POST organizations/:organization/api_tokens.
func createAPITokenHandler(h *Handler, c *call) (any, error) {
	org := c.args.lookup("organization")
	props := apiTokenProperties(c.args.object("properties"))
	t, secret, err := h.svc.CreateOrganizationAPIToken(c.ctx, c.caller, org.key, org.value, props)
	if err != nil {
		return nil, err
	}

	return apiTokenResponse{APIToken: presentAPIToken(t, secret), Annotations: []keyValueJSON{}}, nil
}

// updateAPITokenHandler serves PATCH api_tokens/:api_token.
func updateAPITokenHandler(h *Handler, c *call) (any, error) {
	id := c.args.lookup("api_token").value
	props := apiTokenProperties(c.args.object("properties"))
	t, err := h.svc.UpdateAPIToken(c.ctx, c.caller, id, props)
	if err != nil {
		return nil, err
	}

	return apiTokenResponse{APIToken: presentAPIToken(t, ""), Annotations: []keyValueJSON{}}, nil
}

// deleteAPITokenHandler serves DELETE api_tokens/:api_token.
func deleteAPITokenHandler(h *Handler, c *call) (any, error) {
	t, err := h.svc.DeleteAPIToken(c.ctx, c.caller, c.args.lookup("api_token").value)
	if err != nil {
		return nil, err
	}

	return deletedAPITokenResponse{APIToken: idName{ID: t.ID, Name: t.Name}}, nil
}

// regenerateAPITokenSecretHandler serves POST
// api_tokens/:api_token/regenerate_secret.
func regenerateAPITokenSecretHandler(h *Handler, c *call) (any, error) {
	t, secret, err := h.svc.RegenerateAPITokenSecret(c.ctx, c.caller, c.args.lookup("api_token").value)
	if err != nil {
		return nil, err
	}

	return apiTokenSecretResponse{APIToken: presentAPIToken(t, secret)}, nil
}

// apiTokenProperties turns the parsed "properties" of a create or update
// into the service's form: a field not given stays nil, and a null
// expires_at means the token never expires.
func apiTokenProperties(a arguments) service.APITokenProperties {
	var p service.APITokenProperties
	if a.has("name") {
		p.Name = new(a.str("name"))
	}
	if a.has("scopes") {
		p.Scopes = new(a.strings("scopes"))
	}
	if a.has("authorized_ip_addresses") {
		p.AuthorizedIPAddresses = new(a.strings("authorized_ip_addresses"))
	}
	if a.has("expires_at") {
		var at time.Time
		if !a.null("expires_at") {
			// Seconds outside years 1970 to 9999 are kept as the ends of that
			// span, which validation then refuses as past or too far off.
			at = time.Unix(min(max(int64(a.integer("expires_at", 0)), 0), maxUnixSeconds), 0).UTC()
		}
		p.ExpiresAt = &at
	}
	return p
}
