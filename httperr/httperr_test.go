package httperr

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/mms-platform/mms/model"
)

func TestStatus(t *testing.T) {
	for code, want := range map[string]int{
		model.EUNAUTHENTICATED: 401, model.EFORBIDDEN: 403, model.ENOTFOUND: 404, model.EINVALID: 400,
		model.ECONFLICT: 409, model.ERATELIMITED: 429, model.EUNAVAILABLE: 503, model.EINTERNAL: 500, "SOMETHING_NEW": 500,
	} {
		if got := Status(code); got != want {
			t.Errorf("Status(%s) = %d, want %d", code, got, want)
		}
	}
}

// The two shapes, byte for byte, with the status of the code or the one given.
func TestWrite(t *testing.T) {
	cases := []struct {
		shape  Shape
		status int // 0: the code's
		err    error
		want   string
		code   int
		authn  bool
	}{
		{GraphQL, 0, model.Errorf(model.ENOTFOUND, `no "x"`), `{"errors":[{"extensions":{"code":"NOT_FOUND"},"message":"no \"x\""}]}` + "\n", 404, false},
		{GraphQL, 0, model.Errorf(model.EUNAUTHENTICATED, "who?"), `{"errors":[{"extensions":{"code":"UNAUTHENTICATED"},"message":"who?"}]}` + "\n", 401, true},
		{GraphQL, 0, errors.New("secret detail"), `{"errors":[{"extensions":{"code":"INTERNAL"},"message":"internal error"}]}` + "\n", 500, false},
		{GraphQL, http.StatusRequestEntityTooLarge, model.Errorf(model.EINVALID, "too big"), `{"errors":[{"extensions":{"code":"BAD_USER_INPUT"},"message":"too big"}]}` + "\n", 413, false},
		{OIP, 0, model.Errorf(model.EUNAUTHENTICATED, "who?"), `{"code":"UNAUTHENTICATED","error":"who?"}` + "\n", 401, true},
		{OIP, http.StatusRequestTimeout, model.Errorf(model.EINVALID, "slow"), `{"code":"BAD_USER_INPUT","error":"slow"}` + "\n", 408, false},
	}
	for _, c := range cases {
		w := httptest.NewRecorder()
		if c.status == 0 {
			Write(w, c.shape, c.err)
		} else {
			WriteStatus(w, c.shape, c.status, c.err)
		}
		if w.Code != c.code || w.Body.String() != c.want || w.Header().Get("Content-Type") != "application/json" ||
			(w.Header().Get("WWW-Authenticate") != "") != c.authn {
			t.Errorf("%v: %d %q %v, want %d %q", c.err, w.Code, w.Body.String(), w.Header(), c.code, c.want)
		}
	}
}
