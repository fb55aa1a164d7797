package inventory

import (
	"context"
	"fmt"

	"github.com/ipd/ipd/internal/domain"
)

// actor is who the audit log says made the changes Apply makes.
const actor = "ipd apply"

// Apply makes the plan's changes in order, through the service NewPlan
// was given, and the audit log records each as made by "ipd apply". It
// stops at the first change the service refuses and returns the refusal,
// naming the change; the changes before it stay made, and applying the
// file again once it is fixed makes the rest. A plan is applied once: its
// creates would fail a second time.
func (p Plan) Apply(ctx context.Context) error {
	ctx = domain.WithActor(ctx, actor)
	for _, c := range p {
		if err := c.run(ctx); err != nil {
			return fmt.Errorf("%s %s %s: %w", c.Action, c.Kind, c.Key, err)
		}
	}
	return nil
}
