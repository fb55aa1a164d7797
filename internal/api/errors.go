package api

import (
	"errors"
	"net/http"

	"github.com/ipd/ipd/internal/domain"
	"github.com/ipd/ipd/internal/service"
)

// apiError is an error response in the Katapult envelope:
// {"error": {"code", "description", "detail"}}.
type apiError struct {
	status      int
	Code        string  `json:"code"`
	Description *string `json:"description"`
	Detail      any     `json:"detail"`
}

func (e *apiError) Error() string {
	return e.Code
}

// noDetail is the detail of errors that have no fields: {}.
type noDetail struct{}

// detailsDetail is the detail of errors with one nullable explanation.
type detailsDetail struct {
	Details *string `json:"details"`
}

func newError(status int, code, description string, detail any) *apiError {
	if detail == nil {
		detail = noDetail{}
	}
	return &apiError{status: status, Code: code, Description: &description, Detail: detail}
}

func errRouteNotFound(path, method string) *apiError {
	return newError(http.StatusNotFound, "route_not_found",
		"No route matches '"+path+"' for "+method, nil)
}

func errMissingAPIToken() *apiError {
	return newError(http.StatusBadRequest, "missing_api_token",
		"No API token was provided in the Authorization header. Ensure a token is provided prefixed with Bearer", nil)
}

func errInvalidAPIToken() *apiError {
	return newError(http.StatusForbidden, "invalid_api_token",
		"The API token provided was not valid (it may not exist or have expired)", detailsDetail{})
}

func errScopeNotGranted(scopes []string) *apiError {
	return newError(http.StatusForbidden, "scope_not_granted",
		"The scope required for this endpoint has not been granted to the authenticating identity",
		struct {
			Scopes []string `json:"scopes"`
		}{scopes})
}

func errPermissionDenied() *apiError {
	return newError(http.StatusForbidden, "permission_denied",
		"The authenticated identity is not permitted to perform this action", detailsDetail{})
}

func errInvalidJSONBody(details string) *apiError {
	return newError(http.StatusBadRequest, "invalid_json_body",
		"The JSON body provided with this request is invalid", detailsDetail{Details: &details})
}

func errNoAvailableAddresses() *apiError {
	return newError(http.StatusServiceUnavailable, "no_available_addresses",
		"Our pool of addresses for that version seems to have run dry. "+
			"If this issue continues, please contact support.",
		nil)
}

func errNoAllocation() *apiError {
	return newError(http.StatusUnprocessableEntity, "no_allocation",
		"This IP address is not currently allocated to anything", nil)
}

// validationDetail is the detail of validation_error: one human-readable
// sentence per problem.
type validationDetail struct {
	Errors []string `json:"errors"`
}

func errValidation(messages []string) *apiError {
	return newError(http.StatusUnprocessableEntity, "validation_error",
		"A validation error occurred with the object that was being created/updated/deleted",
		validationDetail{Errors: messages})
}

// errNoUserAssociatedWithIdentity is users/current's answer to a token
// that belongs to no user, as every ipd token does.
func errNoUserAssociatedWithIdentity() *apiError {
	return newError(http.StatusNotFound, "no_user_associated_with_identity",
		"There is no user associated with this API token", nil)
}

// errUnhandled is the response to a failure of ipd's own; like
// production, it says nothing about the cause.
func errUnhandled() *apiError {
	return &apiError{status: http.StatusInternalServerError, Code: "unhandled_exception", Detail: noDetail{}}
}

// notFoundDescriptions are the production descriptions of each object's
// not-found error, keyed by the object's API name.
var notFoundDescriptions = map[string]string{
	"api_token":       "No API token was found matching any of the criteria provided in the arguments",
	"country":         "No country was found matching any of the criteria provided in the arguments",
	"data_center":     "No data center was found matching any of the criteria provided in the arguments",
	"network":         "No network was found matching any of the criteria provided in the arguments",
	"organization":    "No organization was found matching any of the criteria provided in the arguments",
	"ip_address":      "No IP addresses were found matching any of the criteria provided in the arguments",
	"virtual_machine": "No virtual machine was found matching any of the criteria provided in the arguments",
	"interface":       "An interface could not be found for the specified network",
	"virtual_machine_network_interface": "No network interface was found matching any of the criteria " +
		"provided in the arguments",
}

// translateError maps an error from the service to the documented
// response. It is the one place that does; an error it does not know is a
// 500 whose text goes to the log, never to the client.
func translateError(err error) *apiError {
	var apiErr *apiError
	var notFound *domain.NotFoundError
	var invalid *domain.ValidationError
	var network *service.UnauthorizedNetworkError
	var limited *service.RateLimitError
	switch {
	case errors.As(err, &apiErr):
		return apiErr
	case errors.As(err, &notFound):
		return newError(http.StatusNotFound, notFound.Object+"_not_found", notFoundDescriptions[notFound.Object], nil)
	case errors.As(err, &invalid):
		return errValidation(invalid.Messages)
	case errors.Is(err, service.ErrInvalidToken):
		return errInvalidAPIToken()
	case errors.As(err, &network):
		return newError(http.StatusForbidden, "unauthorized_network_for_api_token",
			"Network is not allowed to access the API with this API token",
			struct {
				IPAddress string `json:"ip_address"`
			}{network.Client.String()})
	case errors.As(err, &limited):
		return newError(http.StatusTooManyRequests, "rate_limit_reached",
			"You have reached the rate limit for this type of request",
			struct {
				TotalPermitted int `json:"total_permitted"`
			}{limited.Limit.Permitted})
	case errors.Is(err, domain.ErrPermissionDenied):
		return errPermissionDenied()
	case errors.Is(err, domain.ErrExhausted):
		return errNoAvailableAddresses()
	case errors.Is(err, domain.ErrNotAllocated):
		return errNoAllocation()
	case errors.Is(err, domain.ErrAlreadyAllocated):
		return newError(http.StatusUnprocessableEntity, "ip_already_allocated",
			"This IP address has already been allocated to another resource", nil)
	case errors.Is(err, domain.ErrNotInNetwork):
		return newError(http.StatusUnprocessableEntity, "invalid_ip",
			"This IP address is not valid for this network interface.", nil)
	case errors.Is(err, domain.ErrNoInterface):
		return newError(http.StatusUnprocessableEntity, "no_interface_available",
			"This virtual machine does not have a network interface that is compatible with the provided IP address",
			nil)
	}
	return errUnhandled()
}
