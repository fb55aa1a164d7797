// Package domain holds the objects ipd manages and the errors its layers
// share. It has no behaviour beyond small derived values: the store fills
// these types, the service applies the rules, and the API presents them.
package domain
