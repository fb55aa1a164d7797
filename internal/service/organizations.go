package service

import (
	"context"
	"fmt"

	"github.com/ipd/ipd/internal/domain"
)

// Organizations returns the organizations the caller has access to: an
// API token belongs to exactly one, so the list is that one alone.
func (s *Service) Organizations(ctx context.Context, c Caller) ([]domain.Organization, error) {
	org, err := s.store.OrganizationGetBy(ctx, "id", c.OrganizationID())
	if err != nil {
		return nil, fmt.Errorf("list organizations of the caller: %w", err)
	}
	return []domain.Organization{org}, nil
}
