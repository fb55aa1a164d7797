package api

import (
	"net/url"
	"strings"
)

// endpoint is one operation of the Katapult API.
type endpoint struct {
	method string

	// path is the route below /core/v1/, with a ":name" segment for each
	// argument the path may carry.
	path string

	// id is the endpoint's schema id, used in argument error details.
	id string

	// scopes are the scopes of which a token needs at least one; none
	// means any valid token may call the endpoint.
	scopes []string
	args   []argSpec
	handle func(h *Handler, c *call) (any, error)

	segments []string
}

// router finds the endpoint for a method and path. A static segment beats
// a placeholder, so "ip_addresses/_/unallocate" can never be read as a
// lookup of an address called "unallocate".
type router struct {
	endpoints []*endpoint
}

func newRouter(endpoints []*endpoint) *router {
	for _, ep := range endpoints {
		ep.segments = strings.Split(ep.path, "/")
	}
	return &router{endpoints: endpoints}
}

// match returns the endpoint for method and path (below /core/v1/, with
// leading and trailing slashes already removed) and the values of its
// placeholder segments, or nil.
func (rt *router) match(method, path string) (*endpoint, map[string]string) {
	parts := strings.Split(path, "/")
	var best *endpoint
	var bestScore []bool
	for _, ep := range rt.endpoints {
		if ep.method != method || len(ep.segments) != len(parts) {
			continue
		}
		score, ok := matchSegments(ep.segments, parts)
		if ok && (best == nil || beats(score, bestScore)) {
			best, bestScore = ep, score
		}
	}
	if best == nil {
		return nil, nil
	}
	values := map[string]string{}
	for i, seg := range best.segments {
		if name, ok := strings.CutPrefix(seg, ":"); ok {
			values[name] = unescape(parts[i])
		}
	}
	return best, values
}

// unescape decodes a path segment's escapes; a segment that does not
// decode is taken as it is, and will match no object.
func unescape(segment string) string {
	decoded, err := url.PathUnescape(segment)
	if err != nil {
		return segment
	}
	return decoded
}

// matchSegments reports whether parts fit the pattern and, per segment,
// whether it matched statically.
func matchSegments(pattern, parts []string) ([]bool, bool) {
	score := make([]bool, len(pattern))
	for i, seg := range pattern {
		switch {
		case strings.HasPrefix(seg, ":"):
			if parts[i] == "" {
				return nil, false
			}
		case seg == parts[i]:
			score[i] = true
		default:
			return nil, false
		}
	}
	return score, true
}

// beats reports whether a matched statically at the first segment where
// a and b differ.
func beats(a, b []bool) bool {
	for i := range a {
		if a[i] != b[i] {
			return a[i]
		}
	}
	return false
}

// hasMethod reports whether any endpoint serves method at path, for CORS
// preflight requests.
func (rt *router) hasMethod(method, path string) bool {
	ep, _ := rt.match(method, path)
	return ep != nil
}
