package copa

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
)

var errorsIs = errors.Is
var errorsAs = func(err error, target interface{}) bool { return errors.As(err, target) }

func TestVersionMatchesHeader(t *testing.T) {
	header, err := os.ReadFile(filepath.Join(sourceDir(t), "include", "copa", "common.h"))
	if err != nil {
		t.Fatal(err)
	}
	want := regexp.MustCompile(`#define COPA_VERSION "([^"]+)"`).FindSubmatch(header)[1]
	if Version() != string(want) {
		t.Fatalf("Version() = %q, header says %q", Version(), want)
	}
}

func TestVersionCompare(t *testing.T) {
	cases := []struct {
		format, a, b string
		want         int
	}{
		{"deb", "1.0~rc1", "1.0", -1},
		{"deb", "1:1.0", "2.0", 1},
		{"deb", "1.0-1", "1.0-1", 0},
		{"DEB", "2.38.1-5+b1", "2.38.1-5+deb12u1", -1},
		{"rpm", "1.0", "1.0.1", -1},
		{"rpm", "1:1.0", "2.0", 1},
		{"apk", "1.2.3-r1", "1.2.3-r0", 1},
		{"apk", "1.0_rc1", "1.0", -1},
	}
	for _, c := range cases {
		got, err := VersionCompare(c.format, c.a, c.b)
		if err != nil || got != c.want {
			t.Errorf("VersionCompare(%s, %s, %s) = %d, %v; want %d", c.format, c.a, c.b, got, err, c.want)
		}
		if back, _ := VersionCompare(c.format, c.b, c.a); back != -c.want {
			t.Errorf("reverse of %s %s: %d", c.a, c.b, back)
		}
	}
}

func TestVersionCompareErrors(t *testing.T) {
	_, err := VersionCompare("deb", "not a version", "1.0")
	e := copaError(t, err, ErrInvalid, "'not a version'")
	if !strings.Contains(e.Message, "embedded spaces") || e.Code != CodeInvalid ||
		e.Error() != e.Message || e.Code.Name() != "COPA_EINVALID" {
		t.Fatalf("unexpected error %#v", e)
	}
	if errors.Is(err, ErrNotFound) {
		t.Fatal("an EINVALID error is ErrNotFound")
	}
	_, err = VersionCompare("pacman", "1", "2")
	copaError(t, err, ErrInvalid, "pacman")
}

func TestVersionValid(t *testing.T) {
	if err := VersionValid("deb", "1:2.38.1-5+deb12u1"); err != nil {
		t.Fatal(err)
	}
	copaError(t, VersionValid("deb", "a b"), ErrInvalid, "'a b'")
	copaError(t, VersionValid("nope", "1.0"), ErrInvalid, "nope")
}

// Goroutines move between threads; each failure must carry its own message.
func TestErrorsAreReadInTheFailingCall(t *testing.T) {
	var wg sync.WaitGroup
	bad := make(chan string, 64)
	for g := 0; g < 16; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for i := 0; i < 200; i++ {
				v := fmt.Sprintf("bad %d-%d", g, i)
				_, err := VersionCompare("deb", v, "1")
				var e *Error
				if !errors.As(err, &e) || !strings.Contains(e.Message, "'"+v+"'") {
					bad <- fmt.Sprintf("%s: %v", v, err)
					return
				}
			}
		}(g)
	}
	wg.Wait()
	close(bad)
	for b := range bad {
		t.Error(b)
	}
}

func TestCodeNames(t *testing.T) {
	sentinels := []*Error{ErrGeneric, ErrNotFound, ErrAuth, ErrInvalid, ErrUnsupported, ErrVerify,
		ErrNetwork, ErrUnsatisfiable, ErrCancelled, ErrNoMemory, ErrExternal, ErrTimeout, ErrLayer}
	for i, s := range sentinels {
		if int(s.Code) != -(i+1) || s.Code.Name() != s.Message {
			t.Errorf("sentinel %d: code %d, name %s, message %s", i, s.Code, s.Code.Name(), s.Message)
		}
	}
	if Code(-99).Name() != "COPA_UNKNOWN" {
		t.Error(Code(-99).Name())
	}
}
