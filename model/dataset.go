package model

import "time"

// FieldType is the type of a dataset field. Values are stored typed: an int field
// holds int64, a float field float64, a date field time.Time, a bool field bool,
// string/category/text fields string, a json field any JSON value.
type FieldType string

// The field types a dataset schema may use.
const (
	FieldString   FieldType = "STRING"
	FieldInt      FieldType = "INT"
	FieldFloat    FieldType = "FLOAT"
	FieldBool     FieldType = "BOOL"
	FieldDate     FieldType = "DATE"
	FieldCategory FieldType = "CATEGORY"
	FieldText     FieldType = "TEXT"
	FieldJSON     FieldType = "JSON"
)

// Valid reports whether t is one of the known field types.
func (t FieldType) Valid() bool {
	switch t {
	case FieldString, FieldInt, FieldFloat, FieldBool, FieldDate, FieldCategory, FieldText, FieldJSON:
		return true
	}
	return false
}

// FieldSpec describes one field of a dataset's schema and the checks its values pass.
type FieldSpec struct {
	Name      string    `json:"name" bson:"name"`
	Type      FieldType `json:"type" bson:"type"`
	Required  bool      `json:"required,omitempty" bson:"required,omitempty"`
	Min       *float64  `json:"min,omitempty" bson:"min,omitempty"`
	Max       *float64  `json:"max,omitempty" bson:"max,omitempty"`
	Enum      []string  `json:"enum,omitempty" bson:"enum,omitempty"`
	Pattern   string    `json:"pattern,omitempty" bson:"pattern,omitempty"`
	Unit      string    `json:"unit,omitempty" bson:"unit,omitempty"`
	Sensitive bool      `json:"sensitive,omitempty" bson:"sensitive,omitempty"`
}

// Dataset is a named, versioned collection of unified documents owned by a team.
type Dataset struct {
	ID            string      `json:"id"`
	Name          string      `json:"name"`
	Description   string      `json:"description"`
	Team          string      `json:"team"`
	KeyField      string      `json:"keyField"`
	Fields        []FieldSpec `json:"fields"`
	Version       int         `json:"version"`
	DocumentCount int         `json:"documentCount"`
	CreatedBy     string      `json:"createdBy"`
	CreatedAt     time.Time   `json:"createdAt"`
	UpdatedAt     time.Time   `json:"updatedAt"`
}

// InferredSchema is a schema proposed from a sample of a source.
type InferredSchema struct {
	Fields []FieldSpec `json:"fields"`
	Rows   int         `json:"rows"`
}
