package admin

import (
	"errors"
	"net/http"

	"github.com/ipd/ipd/internal/domain"
	"github.com/ipd/ipd/internal/service"
)

// apiError is the operator API's error envelope, the customer API's shape:
// {"error": {"code", "description", "detail"}}.
type apiError struct {
	status      int
	Code        string `json:"code"`
	Description string `json:"description"`
	Detail      any    `json:"detail"`
}

func (e *apiError) Error() string {
	return e.Code + ": " + e.Description
}

var (
	errMissingToken = &apiError{status: http.StatusUnauthorized, Code: "missing_operator_token",
		Description: "Send an operator token as 'Authorization: Bearer <secret>'."}
	errRouteNotFound = &apiError{status: http.StatusNotFound, Code: "route_not_found",
		Description: "No operator API route matches this method and path."}
)

func errMissingParameter(name string) *apiError {
	return &apiError{status: http.StatusBadRequest, Code: "missing_parameter",
		Description: "This list needs the query parameter " + name + ".", Detail: map[string]string{"parameter": name}}
}

func errBadParameter(name, why string) *apiError {
	return &apiError{status: http.StatusBadRequest, Code: "invalid_parameter",
		Description: "The query parameter " + name + " " + why + ".", Detail: map[string]string{"parameter": name}}
}

// translate maps an error of the layers below to its status and code, in
// this one place.
func translate(err error) *apiError {
	var apiErr *apiError
	var validation *domain.ValidationError
	var notFound *domain.NotFoundError
	var limited *service.RateLimitError
	switch {
	case errors.As(err, &apiErr):
		return apiErr
	case errors.Is(err, service.ErrInvalidToken):
		return &apiError{status: http.StatusUnauthorized, Code: "invalid_operator_token",
			Description: "The secret is not a live operator token; customer API tokens do not work here."}
	case errors.As(err, &limited):
		return &apiError{status: http.StatusTooManyRequests, Code: "too_many_failed_authentications",
			Description: "This address has failed to authenticate too often; try again in a minute."}
	case errors.As(err, &validation):
		return &apiError{status: http.StatusUnprocessableEntity, Code: "validation_error",
			Description: "The change was refused.", Detail: map[string]any{"errors": validation.Messages}}
	case errors.As(err, &notFound):
		return &apiError{status: http.StatusNotFound, Code: notFound.Object + "_not_found",
			Description: "No " + notFound.Object + " has this ID."}
	case errors.Is(err, domain.ErrNotFound):
		return &apiError{status: http.StatusNotFound, Code: "not_found", Description: "The object does not exist."}
	case errors.Is(err, domain.ErrConflict):
		return &apiError{status: http.StatusConflict, Code: "conflict", Description: conflictMessage(err)}
	}
	return &apiError{status: http.StatusInternalServerError, Code: "internal_error",
		Description: "ipd failed to answer; the error is in its log."}
}

// conflictMessage names the conflict: a ConflictError's own message, or
// the refused change with the constraint the database named.
func conflictMessage(err error) string {
	var conflict *domain.ConflictError
	if errors.As(err, &conflict) {
		return conflict.Message
	}
	return err.Error()
}
