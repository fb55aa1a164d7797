package api

import (
	"bytes"
	"encoding/json"
	"io"
	"mime"
	"net/http"
	"net/netip"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/ipd/ipd/internal/ipam"
	"github.com/ipd/ipd/internal/service"
)

// argKind is the type of an endpoint argument.
type argKind int

const (
	kindString argKind = iota
	kindBool
	kindInt
	kindEnum
	kindLookup

	// kindStrings is an array of strings.
	kindStrings

	// kindObject is an object of arguments of its own, such as the
	// "properties" of an update.
	kindObject
)

// argSpec declares one argument of an endpoint, as the Katapult schema
// does.
type argSpec struct {
	name        string
	kind        argKind
	required    bool
	description string

	// nullable keeps an explicit null as a value of its own, which has
	// reports and whose value is nil, instead of treating it as absent.
	nullable bool

	// values are an enum's options.
	values []string

	// keys are a lookup's keys in the schema's order; a path segment
	// standing in for the lookup fills the first.
	keys []string

	// fields are an object's own arguments.
	fields []argSpec

	// set is the schema id of a lookup's or an object's argument set,
	// which error details name the arguments inside it by.
	set string

	// validations check an integer argument's value once it parsed.
	validations []validation
}

// validation is a named rule an integer argument must meet; the name is
// what production reports in the error's "errors" list.
type validation struct {
	name string
	ok   func(n int) bool
}

// maxBodyBytes bounds a request body; no operation needs more.
const maxBodyBytes = 1 << 20

// rawArguments reads a request's arguments the way the production service
// does: query parameters in Rack's nested syntax (a[b]=c, a[]=x), deep
// merged with a JSON object body, whose value wins for the same leaf. A
// body is parsed only when the Content-Type is JSON; an empty body, or
// JSON that is not an object, counts as {}.
func rawArguments(r *http.Request) (map[string]any, *apiError) {
	merged := parseNestedQuery(r.URL.RawQuery)

	body, err := io.ReadAll(io.LimitReader(r.Body, maxBodyBytes+1))
	if err != nil {
		return nil, errInvalidJSONBody("the body could not be read")
	}
	if len(body) > maxBodyBytes {
		return nil, errInvalidJSONBody("the body is larger than 1 MiB")
	}
	if !isJSON(r.Header.Get("Content-Type")) || len(bytes.TrimSpace(body)) == 0 {
		return merged, nil
	}

	var decoded any
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	if err := dec.Decode(&decoded); err != nil {
		return nil, errInvalidJSONBody(err.Error())
	}
	if dec.More() {
		return nil, errInvalidJSONBody("unexpected data after the JSON value")
	}
	if object, ok := decoded.(map[string]any); ok {
		deepMerge(merged, object)
	}
	return merged, nil
}

func isJSON(contentType string) bool {
	mediaType, _, err := mime.ParseMediaType(contentType)
	return err == nil && mediaType == "application/json"
}

// deepMerge copies src into dst; nested objects are merged key by key and
// src wins for any other value.
func deepMerge(dst, src map[string]any) {
	for k, v := range src {
		srcObject, srcIsObject := v.(map[string]any)
		dstObject, dstIsObject := dst[k].(map[string]any)
		if srcIsObject && dstIsObject {
			deepMerge(dstObject, srcObject)
			continue
		}
		dst[k] = v
	}
}

// parseNestedQuery parses a query string in Rack's nested syntax:
// "a=1" gives {"a": "1"}, "a[b]=1" gives {"a": {"b": "1"}} and "a[]=1&a[]=2"
// gives {"a": ["1", "2"]}. A key that conflicts with an earlier one of
// another shape is ignored rather than guessed at.
func parseNestedQuery(raw string) map[string]any {
	out := map[string]any{}
	for _, pair := range strings.Split(raw, "&") {
		if pair == "" {
			continue
		}
		rawKey, rawValue, _ := strings.Cut(pair, "=")
		key, errKey := url.QueryUnescape(rawKey)
		value, errValue := url.QueryUnescape(rawValue)
		if errKey != nil || errValue != nil {
			continue
		}
		setNested(out, splitNestedKey(key), value)
	}
	return out
}

// splitNestedKey splits "a[b][c]" into ["a", "b", "c"] and "a[]" into
// ["a", ""].
func splitNestedKey(key string) []string {
	head, rest, found := strings.Cut(key, "[")
	parts := []string{head}
	for found {
		var part string
		part, rest, found = strings.Cut(rest, "]")
		parts = append(parts, part)
		rest = strings.TrimPrefix(rest, "[")
		if rest == "" {
			break
		}
	}
	return parts
}

func setNested(m map[string]any, parts []string, value string) {
	name := parts[0]
	switch {
	case name == "":
		return
	case len(parts) == 1:
		m[name] = value
	case len(parts) == 2 && parts[1] == "":
		list, ok := m[name].([]any)
		if _, exists := m[name]; exists && !ok {
			return
		}
		m[name] = append(list, value)
	default:
		child, ok := m[name].(map[string]any)
		if _, exists := m[name]; exists && !ok {
			return
		}
		if !ok {
			child = map[string]any{}
			m[name] = child
		}
		setNested(child, parts[1:], value)
	}
}

// arguments are an endpoint's validated argument values.
type arguments struct {
	values map[string]any
}

// str returns a string, enum or (for optional arguments) "" when absent.
func (a arguments) str(name string) string {
	s, _ := a.values[name].(string)
	return s
}

// has reports whether the argument was given.
func (a arguments) has(name string) bool {
	_, ok := a.values[name]
	return ok
}

// null reports whether a nullable argument was given as null.
func (a arguments) null(name string) bool {
	v, ok := a.values[name]
	return ok && v == nil
}

// boolean returns a boolean argument; absent is false.
func (a arguments) boolean(name string) bool {
	b, _ := a.values[name].(bool)
	return b
}

// integer returns an integer argument, or fallback when absent.
func (a arguments) integer(name string, fallback int) int {
	if n, ok := a.values[name].(int); ok {
		return n
	}
	return fallback
}

// strings returns an array of strings argument; absent is nil.
func (a arguments) strings(name string) []string {
	list, _ := a.values[name].([]string)
	return list
}

// object returns the arguments of an object argument; absent is an
// object with no arguments.
func (a arguments) object(name string) arguments {
	o, _ := a.values[name].(arguments)
	return o
}

// lookup returns the key and value a lookup argument was given by.
func (a arguments) lookup(name string) lookupValue {
	l, _ := a.values[name].(lookupValue)
	return l
}

// lookupValue is a resolved lookup: one key and its value. A key named
// "address" holds an IP address, parsed into addr in its canonical form.
type lookupValue struct {
	key, value string
	addr       netip.Addr
}

// argPlace is where an argument is read: the names of the objects it is
// nested in, the schema id of the argument set that declares it and, for
// an element of an array, the element's index.
type argPlace struct {
	path  []string
	set   string
	index *int
}

// pathTo returns the path of spec's argument at the place.
func (at argPlace) pathTo(spec argSpec) []string {
	return append(slices.Clone(at.path), spec.name)
}

// inside returns the place of the arguments of spec, a lookup or an
// object read at at.
func (at argPlace) inside(spec argSpec) argPlace {
	return argPlace{path: at.pathTo(spec), set: spec.set}
}

// element returns the place of an array's i-th element.
func (at argPlace) element(i int) argPlace {
	at.index = &i
	return at
}

// parseArguments validates raw against the endpoint's argument specs,
// taking a value from the route's path segment where the request gives
// none, and returns the first problem in the production error shape.
func parseArguments(ep *endpoint, raw map[string]any, segments map[string]string) (arguments, *apiError) {
	for _, spec := range ep.args {
		if _, given := raw[spec.name]; given {
			continue
		}
		if value, ok := segmentValue(spec, segments); ok {
			raw[spec.name] = value
		}
	}
	return parseSet(argPlace{set: ep.id + "/BaseArgumentSet"}, ep.args, raw)
}

// segmentValue returns what a route's path segment gives an argument: the
// raw text for a scalar, or the lookup's first key for a lookup.
func segmentValue(spec argSpec, segments map[string]string) (any, bool) {
	segment, ok := segments[spec.name]
	if !ok {
		return nil, false
	}
	if spec.kind == kindLookup {
		return map[string]any{spec.keys[0]: segment}, true
	}
	return segment, true
}

// parseSet validates raw against specs, the arguments of one set read at
// at. A null counts as absent unless the argument is nullable.
func parseSet(at argPlace, specs []argSpec, raw map[string]any) (arguments, *apiError) {
	args := arguments{values: map[string]any{}}
	for _, spec := range specs {
		value, given := raw[spec.name]
		if value == nil {
			if spec.required {
				return args, errMissingArgument(at, spec)
			}
			if given && spec.nullable {
				args.values[spec.name] = nil
			}
			continue
		}
		parsed, apiErr := parseValue(at, spec, value)
		if apiErr != nil {
			return args, apiErr
		}
		args.values[spec.name] = parsed
	}
	return args, nil
}

func parseValue(at argPlace, spec argSpec, value any) (any, *apiError) {
	switch spec.kind {
	case kindLookup:
		return parseLookup(at, spec, value)
	case kindObject:
		return parseObject(at, spec, value)
	case kindStrings:
		return parseStrings(at, spec, value)
	}
	return parseScalar(at, spec, value)
}

// parseScalar validates a string, enum, boolean or integer.
func parseScalar(at argPlace, spec argSpec, value any) (any, *apiError) {
	switch spec.kind {
	case kindEnum:
		s, ok := text(value)
		if !ok {
			return nil, errInvalidArgument(at, spec, "invalid_scalar")
		}
		if !slices.Contains(spec.values, s) {
			return nil, errInvalidArgument(at, spec, "invalid_enum_value")
		}
		return s, nil
	case kindBool:
		b, ok := parseBool(value)
		if !ok {
			return nil, errInvalidArgument(at, spec, "invalid_scalar")
		}
		return b, nil
	case kindInt:
		n, ok := parseInt(value)
		if !ok {
			return nil, errInvalidArgument(at, spec, "invalid_scalar")
		}
		return n, validate(at, spec, n)
	}
	s, ok := text(value)
	if !ok {
		return nil, errInvalidArgument(at, spec, "invalid_scalar")
	}
	return s, nil
}

// text returns v as a string when it is one that ipd can store and
// compare: valid UTF-8 without NUL characters, which no name, label or
// lookup value needs and PostgreSQL refuses.
func text(v any) (string, bool) {
	s, ok := v.(string)
	if !ok || !utf8.ValidString(s) || strings.ContainsRune(s, 0) {
		return "", false
	}
	return s, true
}

// validate runs spec's validations on n and reports every one that
// failed, as production does, or nil.
func validate(at argPlace, spec argSpec, n int) *apiError {
	var failed []string
	for _, v := range spec.validations {
		if !v.ok(n) {
			failed = append(failed, v.name)
		}
	}
	if len(failed) == 0 {
		return nil
	}
	return errInvalidArgument(at, spec, "validation_errors", failed...)
}

// parseStrings validates an array of strings; a bad element is reported
// with its index.
func parseStrings(at argPlace, spec argSpec, value any) (any, *apiError) {
	items, ok := value.([]any)
	if !ok {
		return nil, errInvalidArgument(at, spec, "array_expected")
	}
	out := make([]string, len(items))
	for i, item := range items {
		s, ok := text(item)
		if !ok {
			return nil, errInvalidArgument(at.element(i), spec, "invalid_scalar")
		}
		out[i] = s
	}
	return out, nil
}

// parseObject validates an object against its own argument specs; keys
// it does not declare are ignored, as they are at the top level.
func parseObject(at argPlace, spec argSpec, value any) (any, *apiError) {
	object, ok := value.(map[string]any)
	if !ok {
		return nil, errInvalidArgument(at, spec, "object_expected")
	}
	return parseSet(at.inside(spec), spec.fields, object)
}

// parseLookup validates a lookup object: exactly one of its keys must be
// given, as a string.
func parseLookup(at argPlace, spec argSpec, value any) (any, *apiError) {
	object, ok := value.(map[string]any)
	if !ok {
		return nil, errInvalidArgument(at, spec, "object_expected")
	}

	var found lookupValue
	var nonNull int
	var err error
	for _, key := range spec.keys {
		v := object[key]
		if v == nil {
			continue
		}
		keySpec := argSpec{name: key}
		s, ok := text(v)
		if !ok {
			return nil, errInvalidArgument(at.inside(spec), keySpec, "invalid_scalar")
		}
		nonNull++
		found = lookupValue{key: key, value: s}
		if key == "address" {
			if found.addr, err = ipam.ParseAddr(s); err != nil {
				return nil, errInvalidArgument(at.inside(spec), keySpec, "parse_error")
			}
		}
	}

	switch {
	case nonNull == 0:
		// A key given as null is no value either.
		return nil, errInvalidArgument(at, spec, "missing_lookup_value")
	case nonNull > 1:
		return nil, errInvalidArgument(at, spec, "ambiguous_lookup_values")
	}
	return found, nil
}

func parseBool(value any) (bool, bool) {
	switch v := value.(type) {
	case bool:
		return v, true
	case string:
		switch v {
		case "true", "1":
			return true, true
		case "false", "0":
			return false, true
		}
	}
	return false, false
}

func parseInt(value any) (int, bool) {
	var text string
	switch v := value.(type) {
	case json.Number:
		text = v.String()
	case string:
		text = v
	default:
		return 0, false
	}
	n, err := strconv.Atoi(text)
	return n, err == nil
}

// issueDescriptions explain each invalid_argument issue; the issues with
// no entry get a null description, as in production.
var issueDescriptions = map[string]string{
	"invalid_scalar": "The value provided was not of an appropriate type for the scalar that was requested. " +
		"For example, you may have passed a string where an integer was required etc...",
	"parse_error": "The value provided could not be parsed into an appropriate value by the server. " +
		"For example, if a date was expected and the value could not be interpretted as such.",
	"invalid_enum_value": "The value provided was not one of the options suitable for the enum.",
	"missing_lookup_value": "A value for a lookup argument set has not been provided " +
		"but at least one value is required.",
	"ambiguous_lookup_values": "More than one value has been provided for a lookup argument set " +
		"but only one is permitted.",
}

type argumentDetail struct {
	ID          string  `json:"id"`
	Name        string  `json:"name"`
	Description *string `json:"description"`
}

type invalidArgumentDetail struct {
	Path             []string       `json:"path"`
	Index            *int           `json:"index"`
	Issue            string         `json:"issue"`
	IssueDescription *string        `json:"issue_description"`
	Errors           []string       `json:"errors"`
	Argument         argumentDetail `json:"argument"`
}

// errInvalidArgument reports a bad value for spec's argument, read at at,
// with the names of the validations it failed, if any.
func errInvalidArgument(at argPlace, spec argSpec, issue string, failed ...string) *apiError {
	path := at.pathTo(spec)
	if failed == nil {
		failed = []string{}
	}
	var description *string
	if d, ok := issueDescriptions[issue]; ok {
		description = &d
	}
	return newError(http.StatusBadRequest, "invalid_argument",
		"The '"+strings.Join(path, ".")+"' argument is invalid",
		invalidArgumentDetail{
			Path:             path,
			Index:            at.index,
			Issue:            issue,
			IssueDescription: description,
			Errors:           failed,
			Argument: argumentDetail{
				ID:          at.set + "/" + camel(spec.name) + "Argument",
				Name:        spec.name,
				Description: optional(spec.description),
			},
		})
}

type missingArgumentDetail struct {
	Path     []string `json:"path"`
	Argument struct {
		Name        string  `json:"name"`
		Description *string `json:"description"`
	} `json:"argument"`
}

func errMissingArgument(at argPlace, spec argSpec) *apiError {
	path := at.pathTo(spec)
	detail := missingArgumentDetail{Path: path}
	detail.Argument.Name = spec.name
	detail.Argument.Description = optional(spec.description)
	return newError(http.StatusBadRequest, "missing_required_argument",
		"The '"+strings.Join(path, ".")+"' argument is required but has not been provided", detail)
}

// camel turns "address_version" into "AddressVersion".
func camel(name string) string {
	var b strings.Builder
	for _, part := range strings.Split(name, "_") {
		if part == "" {
			continue
		}
		r := []rune(part)
		r[0] = unicode.ToUpper(r[0])
		b.WriteString(string(r))
	}
	return b.String()
}

// optional returns nil for "" and a pointer to s otherwise, for fields
// the API shows as null when empty.
func optional(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// lookupOf returns the lookup argument name in the service's form.
func (a arguments) lookupOf(name string) service.Lookup {
	l := a.lookup(name)
	return service.Lookup{Key: l.key, Value: l.value}
}

// optionalBool returns a boolean argument, or nil when it was not given.
func (a arguments) optionalBool(name string) *bool {
	if !a.has(name) {
		return nil
	}
	b := a.boolean(name)
	return &b
}

// optionalString returns a string argument, or nil when it was not given.
func (a arguments) optionalString(name string) *string {
	if !a.has(name) {
		return nil
	}
	s := a.str(name)
	return &s
}
