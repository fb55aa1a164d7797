package store

import (
	"context"
	"errors"

	"github.com/ipd/ipd/internal/domain"
)

func (s *Store) PoolGet(ctx context.Context, id string) (domain.Pool, error) {
	return domain.Pool{}, errors.New("stub")
}
func (s *Store) PoolUpdate(ctx context.Context, p domain.Pool) (domain.Pool, error) {
	return domain.Pool{}, errors.New("stub")
}
func (s *Store) PoolDelete(ctx context.Context, id string) error { return errors.New("stub") }
func (s *Store) PoolListAll(ctx context.Context) ([]domain.Pool, error) {
	return nil, errors.New("stub")
}
