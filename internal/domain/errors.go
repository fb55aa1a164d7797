package domain

import "errors"

// The errors every layer shares. The store returns them (wrapped with the
// operation and key), the service adds its own decisions, and the API maps
// each to its documented status and code in one place.
var (
	// ErrNotFound means the object looked up does not exist, or is not
	// visible to the caller.
	ErrNotFound = errors.New("not found")

	// ErrExhausted means no address of the requested version is free in the
	// network's pools.
	ErrExhausted = errors.New("no free address")

	// ErrConflict means the change would break a uniqueness rule, such as a
	// second object with the same permalink or an address taken twice.
	ErrConflict = errors.New("conflict")

	// ErrAlreadyAllocated means the address is already allocated to an
	// interface.
	ErrAlreadyAllocated = errors.New("address already allocated")

	// ErrNotAllocated means the address is allocated to nothing.
	ErrNotAllocated = errors.New("address not allocated")

	// ErrNotInNetwork means the address does not belong to the interface's
	// network.
	ErrNotInNetwork = errors.New("address not in the interface's network")

	// ErrNoInterface means the virtual machine has no interface on the
	// address's network.
	ErrNoInterface = errors.New("no interface on the address's network")

	// ErrPermissionDenied means the object exists but belongs to another
	// organization than the caller's.
	ErrPermissionDenied = errors.New("permission denied")
)

// ValidationError is a refused change, with one human-readable message per
// problem, such as "Label can't be blank".
type ValidationError struct {
	Messages []string
}

func (e *ValidationError) Error() string {
	if len(e.Messages) == 0 {
		return "validation failed"
	}
	return "validation failed: " + e.Messages[0]
}

// NotFoundError is a failed lookup of one kind of object, named as the API
// names it ("ip_address", "virtual_machine_network_interface"). It matches
// ErrNotFound with errors.Is.
type NotFoundError struct {
	Object string
}

func (e *NotFoundError) Error() string {
	return e.Object + " not found"
}

// Is reports whether target is ErrNotFound.
func (e *NotFoundError) Is(target error) bool {
	return target == ErrNotFound
}

// ConflictError is a change refused because of the objects that depend on
// the one changed, such as deleting a data center that still has networks.
// Message names the conflict. It matches ErrConflict with errors.Is.
type ConflictError struct {
	Message string
}

func (e *ConflictError) Error() string {
	return e.Message
}

// Is reports whether target is ErrConflict.
func (e *ConflictError) Is(target error) bool {
	return target == ErrConflict
}
