package service

import (
	"context"
	"fmt"
	"strings"

	"github.com/mms-platform/mms/auth"
	"github.com/mms-platform/mms/model"
)

// Me returns the caller. It needs no permission.
func (s *Service) Me(ctx context.Context) *model.Principal {
	return model.PrincipalFromContext(ctx)
}

// CreateTeam creates a team. Admins only (admin on team/<id>).
func (s *Service) CreateTeam(ctx context.Context, in model.CreateTeamInput) (*model.Team, error) {
	if err := checkSlug("team", in.ID); err != nil {
		return nil, err
	}
	name := strings.TrimSpace(in.Name)
	if name == "" || len(name) > 200 {
		return nil, model.Errorf(model.EINVALID, "team name must be 1-200 characters")
	}
	t := &model.Team{ID: in.ID, Name: name, CreatedAt: s.now()}
	err := s.mutate(ctx, auth.ActAdmin, in.ID, "team/"+in.ID, "create team", func() error {
		return s.Teams.CreateTeam(ctx, t)
	})
	if err != nil {
		return nil, err
	}
	return t, nil
}

// Teams returns the teams the caller belongs to; every team for admins.
func (s *Service) ListTeams(ctx context.Context) ([]*model.Team, error) {
	p := model.PrincipalFromContext(ctx)
	if p.Anonymous {
		return nil, s.authorize(ctx, auth.ActRead, auth.AllTeams, "team/*")
	}
	if s.Authz.IsAdmin(p) {
		return s.Teams.Teams(ctx, nil)
	}
	ids := s.Authz.Teams(p)
	if len(ids) == 0 {
		return []*model.Team{}, nil
	}
	return s.Teams.Teams(ctx, ids)
}

// CreateAPIKey creates a key for a team and returns its secret, once. Admins may
// create any key; owners of the team may create keys of any role but ADMIN.
func (s *Service) CreateAPIKey(ctx context.Context, in model.CreateAPIKeyInput) (*model.CreatedAPIKey, error) {
	name := strings.TrimSpace(in.Name)
	if name == "" || len(name) > 200 {
		return nil, model.Errorf(model.EINVALID, "key name must be 1-200 characters")
	}
	if !in.Role.IsValid() {
		return nil, model.Errorf(model.EINVALID, "unknown role %q", in.Role)
	}
	if in.ExpiresAt != nil && !in.ExpiresAt.After(s.now()) {
		return nil, model.Errorf(model.EINVALID, "expiresAt must be in the future")
	}
	secret := auth.NewKeySecret()
	k := &model.APIKey{
		ID: auth.NewID(), Name: name, Team: in.Team, Role: in.Role, Prefix: auth.KeyDisplayPrefix(secret),
		ExpiresAt: in.ExpiresAt, CreatedAt: s.now(), CreatedBy: model.PrincipalFromContext(ctx).ID,
	}
	summary := fmt.Sprintf("create %s key %s", in.Role, k.ID)
	err := s.mutate(ctx, auth.ActAdmin, in.Team, "team/"+in.Team, summary, func() error {
		if in.Role == model.RoleAdmin && !s.Authz.IsAdmin(model.PrincipalFromContext(ctx)) {
			return model.Errorf(model.EFORBIDDEN, "only admins may create ADMIN keys")
		}
		if _, err := s.Teams.Team(ctx, in.Team); err != nil {
			return err
		}
		if err := s.Keys.CreateKey(ctx, k, auth.HashKey(secret)); err != nil {
			return err
		}
		return s.Authz.Grant("key:"+k.ID, k.Role, k.Team)
	})
	if err != nil {
		return nil, err
	}
	return &model.CreatedAPIKey{Key: k, Secret: secret}, nil
}

// RevokeAPIKey revokes a key (admin on the key's team). It stops working at once
// on this instance and within the authentication cache TTL on others.
func (s *Service) RevokeAPIKey(ctx context.Context, id string) (*model.APIKey, error) {
	nf := notFound("key", id)
	k, err := s.Keys.Key(ctx, id)
	if err != nil {
		if model.ErrorCode(err) == model.ENOTFOUND {
			return nil, s.authorizeOr(ctx, auth.ActAdmin, auth.AllTeams, "apikey/"+id, nf)
		}
		return nil, err
	}
	if err := s.conceal(ctx, auth.ActAdmin, k.Team, "team/"+k.Team, nf); err != nil {
		return nil, err
	}
	var out *model.APIKey
	err = s.mutate(ctx, auth.ActAdmin, k.Team, "team/"+k.Team, "revoke key "+id, func() error {
		var err error
		if out, err = s.Keys.RevokeKey(ctx, id); err != nil {
			return err
		}
		s.Authn.Forget(id)
		return s.Authz.RevokeAll("key:" + id)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// EnsureAdminKey makes sure secret works as a global admin key. With secret empty
// and no key in the store at all, it generates one and returns it (to be shown
// once); otherwise it returns "". It is the bootstrap path and is audited as "system".
func (s *Service) EnsureAdminKey(ctx context.Context, secret string) (generated string, err error) {
	if secret == "" {
		n, err := s.Keys.CountKeys(ctx)
		if err != nil || n > 0 {
			return "", err
		}
		secret = auth.NewKeySecret()
		generated = secret
	}
	if !auth.ValidKeySecret(secret) {
		return "", fmt.Errorf("MMS_ADMIN_KEY must start with %q and have at least 16 more letters, digits, - or _", auth.KeyPrefix)
	}
	hash := auth.HashKey(secret)
	k, err := s.Keys.KeyByHash(ctx, hash)
	switch {
	case err == nil:
		if k.Revoked {
			s.Log.Warn("MMS_ADMIN_KEY was revoked and stays revoked; set a new MMS_ADMIN_KEY", "key", k.ID)
			return "", nil
		}
		return generated, s.Authz.Grant("key:"+k.ID, model.RoleAdmin, auth.AllTeams)
	case model.ErrorCode(err) != model.ENOTFOUND:
		return "", err
	}
	k = &model.APIKey{
		ID: auth.NewID(), Name: "bootstrap admin", Team: auth.AllTeams, Role: model.RoleAdmin,
		Prefix: auth.KeyDisplayPrefix(secret), CreatedAt: s.now(), CreatedBy: "system",
	}
	if err := s.Keys.CreateKey(ctx, k, hash); err != nil {
		return "", err
	}
	if err := s.Authz.Grant("key:"+k.ID, model.RoleAdmin, auth.AllTeams); err != nil {
		return "", err
	}
	sys := model.NewContextWithPrincipal(ctx, &model.Principal{ID: "system"})
	return generated, s.record(sys, auth.ActAdmin, auth.AllTeams, "apikey/"+k.ID, model.DecisionAllow, "bootstrap admin key")
}

// ListAPIKeys returns a team's keys without secrets (admin on the team: owners).
func (s *Service) ListAPIKeys(ctx context.Context, team string) ([]*model.APIKey, error) {
	if err := s.authorize(ctx, auth.ActAdmin, team, "team/"+team); err != nil {
		return nil, err
	}
	return s.Keys.KeysOfTeam(ctx, team)
}

// RotateAPIKey replaces a key by a new one with the same team, role, name and
// expiry, and revokes the old one (admin on the key's team). The new secret is
// returned once.
func (s *Service) RotateAPIKey(ctx context.Context, id string) (*model.CreatedAPIKey, error) {
	nf := notFound("key", id)
	old, err := s.Keys.Key(ctx, id)
	if err != nil {
		if model.ErrorCode(err) == model.ENOTFOUND {
			return nil, s.authorizeOr(ctx, auth.ActAdmin, auth.AllTeams, "apikey/"+id, nf)
		}
		return nil, err
	}
	// Authorize before looking at the key's state: a caller who may not manage
	// the key's team learns nothing about it (nor that it is revoked).
	if err := s.authorizeOr(ctx, auth.ActAdmin, old.Team, "team/"+old.Team, nf); err != nil {
		return nil, err
	}
	if old.Revoked {
		return nil, model.Errorf(model.ECONFLICT, "key %s is revoked; create a new one", id)
	}
	created, err := s.CreateAPIKey(ctx, model.CreateAPIKeyInput{Team: old.Team, Role: old.Role, Name: old.Name, ExpiresAt: old.ExpiresAt})
	if err != nil {
		return nil, err
	}
	if _, err := s.RevokeAPIKey(ctx, id); err != nil {
		return nil, err
	}
	return created, nil
}
