package model

import "time"

// Connection is an external database an admin registered as an ingestion
// source. Its URI or DSN is kept sealed by the store and is not part of this
// type, so that no answer or log line can carry it.
type Connection struct {
	Name string         `json:"name" bson:"_id"`
	Kind ConnectionKind `json:"kind" bson:"kind"`
	// Teams limits the connection to datasets of these teams (empty: every team).
	Teams []string `json:"teams" bson:"teams"`
	// Host is the host(s) and port(s) it reaches, without credentials or options.
	Host      string    `json:"host" bson:"host"`
	CreatedBy string    `json:"createdBy" bson:"createdBy"`
	CreatedAt time.Time `json:"createdAt" bson:"createdAt"`
}

// AllowsTeam reports whether datasets of team may ingest from the connection.
func (c *Connection) AllowsTeam(team string) bool {
	if len(c.Teams) == 0 {
		return true
	}
	for _, t := range c.Teams {
		if t == team {
			return true
		}
	}
	return false
}
