package api

// getCurrentUserHandler serves GET users/current. ipd's API tokens belong
// to organizations, never to a user, so the answer is always production's
// error for a token without one.
func getCurrentUserHandler(*Handler, *call) (any, error) {
	return nil, errNoUserAssociatedWithIdentity()
}
