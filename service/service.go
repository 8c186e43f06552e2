// Package service holds MMS's use cases. It is the one place that authorizes
// (Casbin, deny by default) and audits: every exported method checks the caller's
// permission before it changes anything or returns anything. A method may read the
// object first to learn which team owns it (the team is part of the permission), and
// answers NOT_FOUND alike for an object that does not exist and one the caller may
// not see. Every mutation appends an audit record with its outcome, and every denial
// appends one with decision deny. Resolvers, the CLI
// and REST routes all call these methods, so no door skips a rule.
package service

import (
	"context"
	"encoding/base64"
	"fmt"
	"log/slog"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/mms-platform/mms/auth"
	"github.com/mms-platform/mms/jobs"
	"github.com/mms-platform/mms/model"
	"github.com/mms-platform/mms/service/internal/cache"
)

// TeamStore persists teams.
type TeamStore interface {
	// CreateTeam returns model.ECONFLICT if the id is taken.
	CreateTeam(ctx context.Context, t *model.Team) error
	// Team returns model.ENOTFOUND if there is no such team.
	Team(ctx context.Context, id string) (*model.Team, error)
	// Teams returns the teams with the given ids (all teams when ids is nil), by id.
	Teams(ctx context.Context, ids []string) ([]*model.Team, error)
}

// KeyStore persists API keys (hash of the secret only).
type KeyStore interface {
	auth.KeyLookup
	// CreateKey stores k under the hash of its secret; model.ECONFLICT if it exists.
	CreateKey(ctx context.Context, k *model.APIKey, hash string) error
	// RevokeKey marks the key revoked and returns it; model.ENOTFOUND if unknown.
	RevokeKey(ctx context.Context, id string) (*model.APIKey, error)
	// Key returns the key with the given id; model.ENOTFOUND if unknown.
	Key(ctx context.Context, id string) (*model.APIKey, error)
	// CountKeys returns how many keys exist (revoked ones included).
	CountKeys(ctx context.Context) (int, error)
	// KeysOfTeam returns a team's keys, oldest first.
	KeysOfTeam(ctx context.Context, team string) ([]*model.APIKey, error)
}

// DatasetStore persists dataset descriptions.
type DatasetStore interface {
	// CreateDataset returns model.ECONFLICT if the id is taken.
	CreateDataset(ctx context.Context, d *model.Dataset) error
	// Dataset returns model.ENOTFOUND if there is no such dataset.
	Dataset(ctx context.Context, id string) (*model.Dataset, error)
	// ListDatasets returns up to limit datasets with id > after that belong to
	// teams or are among ids (every dataset when teams is nil), ordered by id, and
	// the total count of the selection.
	ListDatasets(ctx context.Context, teams, ids []string, after string, limit int) ([]*model.Dataset, int, error)
}

// ShareStore persists dataset shares.
type ShareStore interface {
	// PutShare stores a share, replacing the team's earlier share of the dataset.
	PutShare(ctx context.Context, s *model.Share) error
	// Share returns the team's share of the dataset; model.ENOTFOUND if none.
	Share(ctx context.Context, dataset, team string) (*model.Share, error)
	// DeleteShare removes and returns a share; model.ENOTFOUND if none.
	DeleteShare(ctx context.Context, dataset, team string) (*model.Share, error)
	// Shares returns a dataset's shares (dataset != "") or those made to teams.
	Shares(ctx context.Context, dataset string, teams []string) ([]*model.Share, error)
}

// AuditReader reads the audit log for queries.
type AuditReader interface {
	auth.AuditStore
	// ListAudit returns up to limit records matching f with seq < before (0: no
	// bound), newest first, and the count of all records matching f.
	ListAudit(ctx context.Context, f model.AuditFilter, before int64, limit int) ([]*model.AuditRecord, int, error)
}

// Service implements the use cases. Package app builds it once (app.New).
type Service struct {
	Teams    TeamStore
	Keys     KeyStore
	Datasets DatasetStore
	Sharing  ShareStore
	// AuditRecords reads the audit log; AuditChain appends to it (the hash chain).
	AuditRecords AuditReader
	AuditChain   AuditChain
	Docs         DocumentStore
	Ingestions   IngestionStore
	Jobs         jobs.Store
	Blobs        BlobStore
	Models       ModelStore
	// StoredPredictions keeps batch predictions written to collections.
	StoredPredictions PredictionStore
	Webhooks          WebhookStore
	Annotations       AnnotationStore
	// Runner runs jobs on this instance (nil in tools that only queue).
	Runner *jobs.Runner
	// MongoSources reads outside MongoDB collections for ingestion.
	MongoSources MongoSources
	// SourceConnections keeps the external databases admins registered.
	SourceConnections ConnectionStore
	// KeyRotation re-seals sensitive values with the current key (RotateKeys;
	// nil in the server, which never rotates).
	KeyRotation KeyRotationStore
	// AllowPrivateURLs lets URL sources (and raw database sources) reach
	// loopback and private networks.
	AllowPrivateURLs bool
	// AllowRawSources lets ingest name a raw MongoDB URI or PostgreSQL DSN
	// instead of a registered connection (single-tenant installs).
	AllowRawSources bool
	// MaxSourceBytes bounds a URL source.
	MaxSourceBytes int64
	Authz          Authorizer
	Authn          *auth.Authenticator
	Log            *slog.Logger
	Now            func() time.Time
	// DatasetCacheTTL is how long Dataset keeps a description it read (0: not at all).
	DatasetCacheTTL time.Duration

	// WebhookBackoff is the wait before a failed delivery's first retry (doubling after).
	WebhookBackoff time.Duration
	deliverNow     chan struct{}

	// URL sources: the longest wait for the response headers, for each next
	// bytes of the body, and for the whole download (0: 30 s, 60 s, 10 min).
	URLHeaderTimeout time.Duration
	URLStallTimeout  time.Duration
	URLFetchTimeout  time.Duration

	// MaxPredictInputs bounds one predict request (DefaultMaxPredictInputs if 0).
	MaxPredictInputs int

	// AnonymousDenials, if set, keeps a flood of refused requests without a
	// token from adding a record each: the first of each client address and
	// window is audited, the others summed into one record (RecordAnonymousDenials).
	AnonymousDenials *auth.AuditThrottle

	// Snapshots keeps dataset versions and their Parquet snapshots (nil:
	// whole-dataset reads scan documents).
	Snapshots SnapshotStore
	// SnapshotKeep is how many latest snapshots of a dataset retention keeps
	// besides those models reference (DefaultSnapshotKeep if 0).
	SnapshotKeep int
	// SnapshotDeltaOff turns off building snapshots from ingestions' writes
	// (every build then scans the store).
	SnapshotDeltaOff bool
	snapBuilds       snapshotBuilds

	features   featureCache // training matrices by dataset version and feature spec
	predictors predictors   // loaded model versions and models' aliases

	annotations annotationCache // label schemas and task definitions (immutable)

	dsCache cache.Map[string, cachedDataset] // by dataset id
	shares  cache.Map[string, cachedShare]   // share records by dataset/team
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now().UTC()
}

// authorize checks that the caller may do act on obj in team. A refusal is
// audited (decision deny) and returned as UNAUTHENTICATED for anonymous callers
// and FORBIDDEN otherwise.
func (s *Service) authorize(ctx context.Context, act, team, obj string) error {
	p := model.PrincipalFromContext(ctx)
	var denied error
	if p.Anonymous {
		denied = model.Errorf(model.EUNAUTHENTICATED, "%s on %s needs a token: send Authorization: Bearer <API key or JWT>", act, obj)
		if !s.AnonymousDenials.Note(auth.ClientAddr(model.RequestFromContext(ctx).RemoteAddr), true) {
			return denied // counted in the address's summary for this window
		}
	} else {
		ok, err := s.allowed(ctx, team, obj, act)
		if err != nil {
			return fmt.Errorf("authorize %s %s: %w", act, obj, err)
		}
		reason := ""
		if ok {
			if reason, err = s.shareRefusal(ctx, p, act, team, obj); err != nil {
				return err
			}
			if reason == "" {
				return nil
			}
		}
		denied = model.Errorf(model.EFORBIDDEN, "%s may not %s %s", p.ID, act, obj)
		if reason != "" {
			denied = model.Errorf(model.EFORBIDDEN, "%s may not %s %s: %s", p.ID, act, obj, reason)
		}
	}
	if err := s.record(ctx, act, team, obj, model.DecisionDeny, model.ErrorMessage(denied)); err != nil {
		return err
	}
	return denied
}

// notFound is the answer about a resource the caller named by id (kind
// "dataset", "job"...) that does not exist or that the caller may not see: the
// two are told apart by nobody but the audit log.
func notFound(kind, id string) error {
	return model.Errorf(model.ENOTFOUND, "%s %q not found", kind, id)
}

// authorizeOr is authorize for a resource the caller named by id: obj in team
// when it exists, or auth.AllTeams when it does not (then only admins are
// allowed). A caller refused who may not even see obj (see canSee) gets
// notFound, the very answer for an id that does not exist, so that existence
// is no oracle and no message names a resource the caller cannot see; the
// refusal is audited all the same, with its real reason. A caller who sees
// obj but may not do act is FORBIDDEN. Allowed, it returns nil for an existing
// resource (team != auth.AllTeams) and notFound for a missing one.
func (s *Service) authorizeOr(ctx context.Context, act, team, obj string, notFound error) error {
	return s.authorizeOrElse(ctx, act, team, obj, func() error { return notFound })
}

// authorizeOrElse is authorizeOr with the not-found answer made only when it
// is given (the hot paths do not format an error on every call).
func (s *Service) authorizeOrElse(ctx context.Context, act, team, obj string, notFound func() error) error {
	err := s.authorize(ctx, act, team, obj)
	if model.ErrorCode(err) == model.EFORBIDDEN {
		ok, serr := s.canSee(ctx, team, obj)
		if serr != nil {
			return serr
		}
		if !ok {
			return notFound()
		}
	}
	if err == nil && team == auth.AllTeams {
		return notFound()
	}
	return err
}

// conceal is the first half of authorizeOr for operations that authorize
// themselves afterwards (mutate): when the caller may not see obj it audits
// the refusal of act and returns notFound; otherwise nil.
func (s *Service) conceal(ctx context.Context, act, team, obj string, notFound error) error {
	p := model.PrincipalFromContext(ctx)
	if p.Anonymous {
		return nil // authorize answers UNAUTHENTICATED, found or not
	}
	ok, err := s.canSee(ctx, team, obj)
	if err != nil || ok {
		return err
	}
	if err := s.record(ctx, act, team, obj, model.DecisionDeny, fmt.Sprintf("%s may not %s %s", p.ID, act, obj)); err != nil {
		return err
	}
	return notFound
}

// seeActs are the actions any of which makes a resource visible to a caller.
var seeActs = []string{auth.ActRead, auth.ActPredict, auth.ActAnnotate}

// canSee reports whether the caller holds any grant that shows it the
// resource obj (its first two segments, kind/id) in team: read, or predict on
// a model, or annotate on a task. Policies decide, not share records: a team
// whose share expired still sees the dataset (and is told the share expired);
// one whose share was revoked, or never made, does not.
func (s *Service) canSee(ctx context.Context, team, obj string) (bool, error) {
	p := model.PrincipalFromContext(ctx)
	if p.Anonymous || team == auth.AllTeams && !s.Authz.IsAdmin(p) {
		return false, nil
	}
	parts := strings.SplitN(obj, "/", 3)
	top := obj
	if len(parts) == 3 {
		top = parts[0] + "/" + parts[1]
	}
	for _, act := range seeActs {
		ok, err := s.allowed(ctx, team, top, act)
		if err != nil || ok {
			return ok, err
		}
	}
	return false, nil
}

// allowed is the policy decision for the caller: authorize and canSee ask
// the same question of the same rules.
func (s *Service) allowed(ctx context.Context, team, obj, act string) (bool, error) {
	return s.Authz.Allowed(model.PrincipalFromContext(ctx), team, obj, act)
}

// deny audits and returns a FORBIDDEN decision taken by the service itself,
// beyond Casbin (assignment rules, a share's limits).
func (s *Service) deny(ctx context.Context, act, team, obj, msg string) error {
	if err := s.record(ctx, act, team, obj, model.DecisionDeny, msg); err != nil {
		return err
	}
	return model.Errorf(model.EFORBIDDEN, "%s", msg)
}

// shareRefusal returns why an access Casbin allowed must still be refused: a
// caller outside the team that owns a dataset reaches it only through an
// unexpired share record, whatever policies say.
//
// A share is made to a team, so every member reads through it; anything more
// (an EDITOR share's write) also needs the member's own role in its team to
// allow that act on its own datasets: a VIEWER key of the team does not write
// into a dataset shared with its team for editing.
func (s *Service) shareRefusal(ctx context.Context, p *model.Principal, act, team, obj string) (string, error) {
	rest, ok := strings.CutPrefix(obj, "dataset/")
	if !ok || team == auth.AllTeams || s.memberOf(p, team) {
		return "", nil
	}
	dataset, _, _ := strings.Cut(rest, "/")
	sh, reason, err := s.activeShare(ctx, p, dataset)
	if err != nil || sh == nil {
		return reason, err
	}
	if act != auth.ActRead {
		// Only the acts of the share's role, whatever policies say: earlier
		// versions granted train and annotate through shares, and those read
		// every row and field, not the share's view.
		if !slices.Contains(shareActs[sh.Role], act) {
			return fmt.Sprintf("a %s share of dataset %s does not grant %s", sh.Role, dataset, act), nil
		}
		ok, err := s.Authz.Allowed(p, sh.Team, "dataset/*", act)
		if err != nil {
			return "", err
		}
		if !ok {
			return fmt.Sprintf("the caller's role in team %s does not allow %s on datasets", sh.Team, act), nil
		}
	}
	return "", nil
}

// mutate authorizes act on obj, runs fn, and audits the outcome: an allowed
// mutation is recorded whether fn succeeded or not, with the error code if not.
func (s *Service) mutate(ctx context.Context, act, team, obj, summary string, fn func() error) error {
	if err := s.authorize(ctx, act, team, obj); err != nil {
		return err
	}
	err := fn()
	if err != nil {
		summary = strings.TrimSpace(summary + " failed: " + model.ErrorCode(err))
	}
	if aerr := s.record(ctx, act, team, obj, model.DecisionAllow, summary); aerr != nil && err == nil {
		return aerr
	}
	return err
}

// record appends one audit record for the caller in ctx.
func (s *Service) record(ctx context.Context, act, team, obj, decision, summary string) error {
	p := model.PrincipalFromContext(ctx)
	rq := model.RequestFromContext(ctx)
	actor := p.ID
	if p.Anonymous {
		actor = "anonymous"
	}
	return s.AuditChain.Append(ctx, auth.AuditEntry{
		Actor: actor, Team: team, Action: act, Resource: obj, Decision: decision,
		RequestID: rq.ID, ClientAddr: rq.RemoteAddr, Summary: summary,
	})
}

// RecordRejectedToken audits a request refused because its token did not verify.
func (s *Service) RecordRejectedToken(ctx context.Context, err error) {
	if aerr := s.record(ctx, "authenticate", "", "token", model.DecisionDeny, model.ErrorMessage(err)); aerr != nil {
		s.Log.ErrorContext(ctx, "audit rejected token", "err", aerr)
	}
}

// RecordFailedAuthentications audits, in one record, the failed
// authentications of one client address and window that were not audited one
// by one (auth.Guard keeps a flood from adding a record per request).
func (s *Service) RecordFailedAuthentications(ctx context.Context, sum auth.ThrottleSummary) {
	s.recordSummary(ctx, "authenticate", "token", sum, fmt.Sprintf(
		"%d failed authentications from %s between %s and %s not audited one by one (%d tokens failed verification, %d refused by the rate limit unchecked)",
		sum.Total(), sum.Addr, sum.From.UTC().Format(time.RFC3339), sum.To.UTC().Format(time.RFC3339), sum.Checked, sum.Limited))
}

// RecordAnonymousDenials audits, in one record, the requests without a token
// of one client address and window that were refused without being audited
// one by one (AnonymousDenials).
func (s *Service) RecordAnonymousDenials(ctx context.Context, sum auth.ThrottleSummary) {
	s.recordSummary(ctx, "anonymous", "*", sum, fmt.Sprintf(
		"%d requests without a token from %s refused between %s and %s not audited one by one",
		sum.Total(), sum.Addr, sum.From.UTC().Format(time.RFC3339), sum.To.UTC().Format(time.RFC3339)))
}

func (s *Service) recordSummary(ctx context.Context, act, obj string, sum auth.ThrottleSummary, text string) {
	err := s.AuditChain.Append(ctx, auth.AuditEntry{
		Actor: "anonymous", Action: act, Resource: obj, Decision: model.DecisionDeny,
		ClientAddr: sum.Addr, Summary: text,
	})
	if err != nil {
		s.Log.ErrorContext(ctx, "audit summary", "action", act, "addr", sum.Addr, "count", sum.Total(), "err", err)
	}
}

var slugRE = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]{0,62}$`)

// checkSlug validates an id that becomes part of resource paths and collection names.
func checkSlug(kind, id string) error {
	if !slugRE.MatchString(id) {
		return model.Errorf(model.EINVALID, "%s id %q: use 1-63 lower-case letters, digits, - or _, starting with a letter or digit", kind, id)
	}
	return nil
}

// Page bounds.
const (
	defaultPage = 20
	maxPage     = 1000
)

// pageSize validates a Relay `first` argument.
func pageSize(first *int) (int, error) {
	if first == nil {
		return defaultPage, nil
	}
	if *first < 0 || *first > maxPage {
		return 0, model.Errorf(model.EINVALID, "first must be between 0 and %d, got %d", maxPage, *first)
	}
	return *first, nil
}

// Cursors are opaque to clients: base64url of a kind-tagged position.
func encodeCursor(kind, pos string) string {
	return base64.RawURLEncoding.EncodeToString([]byte(kind + ":" + pos))
}

// decodeCursor returns the position of cursor c of kind ("" when c is nil or
// empty), or EINVALID.
func decodeCursor(kind string, c *string) (string, error) {
	if c == nil || *c == "" {
		return "", nil
	}
	b, err := base64.RawURLEncoding.DecodeString(*c)
	pos, ok := strings.CutPrefix(string(b), kind+":")
	if err != nil || !ok {
		return "", badCursor(*c)
	}
	return pos, nil
}

// decodeIntCursor is decodeCursor for a position that is an integer of at
// least least; given is false (and pos 0) when c is nil or empty.
func decodeIntCursor(kind string, c *string, least int) (pos int, given bool, err error) {
	s, err := decodeCursor(kind, c)
	if err != nil || s == "" {
		return 0, false, err
	}
	if pos, err = strconv.Atoi(s); err != nil || pos < least {
		return 0, false, badCursor(*c)
	}
	return pos, true, nil
}

func badCursor(c string) error {
	return model.Errorf(model.EINVALID, "invalid cursor %q: pass an endCursor from this connection", c)
}
