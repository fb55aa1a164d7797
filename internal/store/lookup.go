package store

import (
	"fmt"
	"slices"
)

// lookupColumn returns key if it is one of the columns an object may be
// looked up by. Column names are spliced into SQL, so only these pass.
func lookupColumn(key string, allowed ...string) (string, error) {
	if !slices.Contains(allowed, key) {
		return "", fmt.Errorf("look up by %q: not a lookup key", key)
	}
	return key, nil
}
