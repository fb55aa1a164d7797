package api

import "github.com/ipd/ipd/internal/domain"

// maxPerPage is the most objects one page of a list holds.
const maxPerPage = 200

// pageArgs are the page and per_page arguments of every paginated list.
func pageArgs() []argSpec {
	return []argSpec{
		{
			name:        "page",
			kind:        kindInt,
			validations: []validation{{"greater_than_zero", func(n int) bool { return n > 0 }}},
		},
		{
			name: "per_page",
			kind: kindInt,
			validations: []validation{
				{"greater_than_zero", func(n int) bool { return n > 0 }},
				// Production names the rule for 100 and enforces 200.
				{"less_than_or_equal_to_one_hundred", func(n int) bool { return n <= maxPerPage }},
			},
		},
	}
}

// page returns the page a list call asks for: page 1 of 30 unless told.
func (a arguments) page() domain.Page {
	return domain.Page{Number: a.integer("page", 1), PerPage: a.integer("per_page", 30)}
}

// paginationJSON is production's pagination object, sent beside a list.
type paginationJSON struct {
	CurrentPage int  `json:"current_page"`
	TotalPages  int  `json:"total_pages"`
	Total       int  `json:"total"`
	PerPage     int  `json:"per_page"`
	LargeSet    bool `json:"large_set"`
}

func presentPagination(p domain.Page, total int) paginationJSON {
	return paginationJSON{
		CurrentPage: p.Number,
		TotalPages:  (total + p.PerPage - 1) / p.PerPage,
		Total:       total,
		PerPage:     p.PerPage,
	}
}
