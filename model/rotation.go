package model

// RotateStats counts what a key rotation (mms keys rotate) did to the stored
// documents of one dataset, or of several summed.
type RotateStats struct {
	Scanned   int // documents read
	Rewritten int // documents changed
	Resealed  int // values sealed with an older key, sealed again with the current one
	Sealed    int // plaintext values of sensitive fields sealed
	Unsealed  int // sealed values of fields no longer sensitive stored in plaintext
	Indexed   int // blind indexes written or removed without a value change
}

// Add adds o's counts to s.
func (s *RotateStats) Add(o RotateStats) {
	s.Scanned += o.Scanned
	s.Rewritten += o.Rewritten
	s.Resealed += o.Resealed
	s.Sealed += o.Sealed
	s.Unsealed += o.Unsealed
	s.Indexed += o.Indexed
}
