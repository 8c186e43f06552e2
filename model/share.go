package model

import "time"

// ShareRole is what a team may do with a dataset shared with it.
type ShareRole string

// Share roles.
const (
	ShareViewer  ShareRole = "VIEWER"
	SharePartner ShareRole = "PARTNER"
	ShareEditor  ShareRole = "EDITOR"
)

// Valid reports whether r is a known share role.
func (r ShareRole) Valid() bool {
	switch r {
	case ShareViewer, SharePartner, ShareEditor:
		return true
	}
	return false
}

// Share is a dataset shared with another team. The Casbin policies it adds give
// the team the actions of its role on the dataset; the share itself limits what
// the team sees (Fields, RowFilter) and until when (ExpiresAt).
type Share struct {
	Dataset string    `json:"dataset"`
	Team    string    `json:"team"`
	Role    ShareRole `json:"role"`
	// Fields are the only fields the team sees; nil means every field.
	Fields []string `json:"fields"`
	// RowFilter holds conditions every row the team sees meets, values typed by
	// the dataset's schema.
	RowFilter []FieldFilter `json:"rowFilter"`
	ExpiresAt *time.Time    `json:"expiresAt"`
	CreatedBy string        `json:"createdBy"`
	CreatedAt time.Time     `json:"createdAt"`
}

// Expired reports whether the share has stopped working at now.
func (s *Share) Expired(now time.Time) bool {
	return s.ExpiresAt != nil && !now.Before(*s.ExpiresAt)
}

// RowCondition is a share's row condition as GraphQL shows it.
type RowCondition = FieldFilter
