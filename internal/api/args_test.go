package api

import (
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// objectEndpoint takes one required object, "properties", whose fields
// are a string, an array of strings and a nullable integer.
var objectEndpoint = &endpoint{
	id: "Test/Endpoint",
	args: []argSpec{{
		name:     "properties",
		kind:     kindObject,
		required: true,
		set:      "Test/Properties",
		fields: []argSpec{
			{name: "name", kind: kindString},
			{name: "tags", kind: kindStrings},
			{name: "expires_at", kind: kindInt, nullable: true},
		},
	}},
}

// parseRequest parses the arguments of a request with the query and
// JSON body given, as the handler does.
func parseRequest(t *testing.T, ep *endpoint, query, body string) (arguments, *apiError) {
	t.Helper()
	r := httptest.NewRequest("POST", "/core/v1/test?"+query, strings.NewReader(body))
	r.Header.Set("Content-Type", "application/json")
	raw, apiErr := rawArguments(r)
	require.Nil(t, apiErr)
	return parseArguments(ep, raw, nil)
}

func TestParseObjectArgument(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, query, body string
		want              map[string]any
	}{
		{"every field", "", `{"properties":{"name":"x","tags":["a","b"],"expires_at":5}}`,
			map[string]any{"name": "x", "tags": []string{"a", "b"}, "expires_at": 5}},
		{"empty object", "", `{"properties":{}}`, map[string]any{}},
		{"empty array", "", `{"properties":{"tags":[]}}`, map[string]any{"tags": []string{}}},
		{"null kept when nullable", "", `{"properties":{"expires_at":null}}`, map[string]any{"expires_at": nil}},
		{"null absent otherwise", "", `{"properties":{"name":null,"tags":null}}`, map[string]any{}},
		{"undeclared keys ignored", "", `{"properties":{"rate_limit":5}}`, map[string]any{}},
		{"from the query", "properties[name]=x&properties[tags][]=a&properties[tags][]=b", "",
			map[string]any{"name": "x", "tags": []string{"a", "b"}}},
		{"body wins over query", "properties[name]=q&properties[tags][]=a", `{"properties":{"name":"b"}}`,
			map[string]any{"name": "b", "tags": []string{"a"}}},
	}
	for _, tt := range tests {
		args, apiErr := parseRequest(t, objectEndpoint, tt.query, tt.body)
		require.Nil(t, apiErr, tt.name)
		require.Equal(t, tt.want, args.object("properties").values, tt.name)
	}
}

func TestParseObjectArgumentAccessors(t *testing.T) {
	t.Parallel()
	args, apiErr := parseRequest(t, objectEndpoint, "", `{"properties":{"tags":["a"],"expires_at":null}}`)
	require.Nil(t, apiErr)

	props := args.object("properties")
	require.Equal(t, []string{"a"}, props.strings("tags"))
	require.True(t, props.has("expires_at"), "an explicit null of a nullable field is given")
	require.True(t, props.null("expires_at"))
	require.False(t, props.null("tags"))
	require.False(t, props.null("name"), "an absent field is not null")
	require.Equal(t, 7, props.integer("expires_at", 7), "a null integer takes the fallback")
	require.False(t, props.has("name"))
	require.Nil(t, props.strings("name"))
	require.False(t, args.object("missing").has("name"), "an absent object has no arguments")
}

func TestParseObjectArgumentErrors(t *testing.T) {
	t.Parallel()
	one := 1
	tests := []struct {
		name, body string
		path       []string
		index      *int
		issue      string
		argumentID string
	}{
		{"not an object", `{"properties":"x"}`, []string{"properties"}, nil, "object_expected",
			"Test/Endpoint/BaseArgumentSet/PropertiesArgument"},
		{"array of the wrong type", `{"properties":{"tags":"a"}}`, []string{"properties", "tags"}, nil,
			"array_expected", "Test/Properties/TagsArgument"},
		{"element of the wrong type", `{"properties":{"tags":["a",7]}}`, []string{"properties", "tags"}, &one,
			"invalid_scalar", "Test/Properties/TagsArgument"},
		{"field of the wrong type", `{"properties":{"name":7}}`, []string{"properties", "name"}, nil,
			"invalid_scalar", "Test/Properties/NameArgument"},
		{"integer that is not one", `{"properties":{"expires_at":"soon"}}`, []string{"properties", "expires_at"}, nil,
			"invalid_scalar", "Test/Properties/ExpiresAtArgument"},
	}
	for _, tt := range tests {
		_, apiErr := parseRequest(t, objectEndpoint, "", tt.body)
		require.NotNil(t, apiErr, tt.name)
		require.Equal(t, "invalid_argument", apiErr.Code, tt.name)
		require.Equal(t, "The '"+strings.Join(tt.path, ".")+"' argument is invalid", *apiErr.Description, tt.name)
		detail := apiErr.Detail.(invalidArgumentDetail)
		require.Equal(t, tt.path, detail.Path, tt.name)
		require.Equal(t, tt.index, detail.Index, tt.name)
		require.Equal(t, tt.issue, detail.Issue, tt.name)
		require.Equal(t, tt.argumentID, detail.Argument.ID, tt.name)
		require.Equal(t, tt.path[len(tt.path)-1], detail.Argument.Name, tt.name)
	}
}

func TestParseObjectArgumentMissing(t *testing.T) {
	t.Parallel()
	ep := &endpoint{
		id: "Test/Endpoint",
		args: []argSpec{{
			name: "properties", kind: kindObject, required: true, set: "Test/Properties",
			fields: []argSpec{{name: "name", kind: kindString, required: true, description: "The name"}},
		}},
	}
	tests := []struct {
		name, body string
		path       []string
	}{
		{"object missing", `{}`, []string{"properties"}},
		{"object null", `{"properties":null}`, []string{"properties"}},
		{"field missing", `{"properties":{}}`, []string{"properties", "name"}},
		{"field null", `{"properties":{"name":null}}`, []string{"properties", "name"}},
	}
	for _, tt := range tests {
		_, apiErr := parseRequest(t, ep, "", tt.body)
		require.NotNil(t, apiErr, tt.name)
		require.Equal(t, "missing_required_argument", apiErr.Code, tt.name)
		require.Equal(t, "The '"+strings.Join(tt.path, ".")+"' argument is required but has not been provided",
			*apiErr.Description, tt.name)
		require.Equal(t, tt.path, apiErr.Detail.(missingArgumentDetail).Path, tt.name)
	}
}
