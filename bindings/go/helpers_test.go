package copa

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// sourceDir is the libcopa repository (go test runs in bindings/go).
func sourceDir(t *testing.T) string {
	if d := os.Getenv("COPA_SOURCE_DIR"); d != "" {
		return d
	}
	d, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func reportPath(t *testing.T, name string) string {
	return filepath.Join(sourceDir(t), "tests", "fixtures", "report", name)
}

func mustRun(t *testing.T, name string, args ...string) {
	t.Helper()
	if out, err := exec.Command(name, args...).CombinedOutput(); err != nil {
		t.Fatalf("%s %s: %v: %s", name, strings.Join(args, " "), err, out)
	}
}

// ociImage makes an OCI layout with umoci: tag v1 (linux/amd64), two layers,
// an /etc/os-release and a file. It returns the layout and the manifest digest.
func ociImage(t *testing.T) (string, string) {
	if _, err := exec.LookPath("umoci"); err != nil {
		t.Skip("umoci not installed")
	}
	dir := t.TempDir()
	layout, bundle := filepath.Join(dir, "src"), filepath.Join(dir, "bundle")
	mustRun(t, "umoci", "init", "--layout", layout)
	mustRun(t, "umoci", "new", "--image", layout+":v1")
	mustRun(t, "umoci", "unpack", "--rootless", "--image", layout+":v1", bundle)
	rootfs := filepath.Join(bundle, "rootfs")
	if err := os.MkdirAll(filepath.Join(rootfs, "etc"), 0o755); err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(rootfs, "etc", "os-release"), "ID=copatest\nVERSION_ID=\"1.2\"\n")
	mustRun(t, "umoci", "repack", "--refresh-bundle", "--image", layout+":v1", bundle)
	writeFile(t, filepath.Join(rootfs, "hello"), strings.Repeat("hello\n", 1000))
	mustRun(t, "umoci", "repack", "--refresh-bundle", "--image", layout+":v1", bundle)
	mustRun(t, "umoci", "config", "--image", layout+":v1", "--os", "linux", "--architecture", "amd64",
		"--config.entrypoint", "/hello")
	return layout, tagDigest(t, layout, "v1")
}

// tagDigest is the manifest digest index.json gives a tag ("" when none).
func tagDigest(t *testing.T, layout, tag string) string {
	t.Helper()
	var index struct {
		Manifests []struct {
			Digest      string            `json:"digest"`
			Annotations map[string]string `json:"annotations"`
		} `json:"manifests"`
	}
	data, err := os.ReadFile(filepath.Join(layout, "index.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, &index); err != nil {
		t.Fatal(err)
	}
	for _, m := range index.Manifests {
		if m.Annotations["org.opencontainers.image.ref.name"] == tag {
			return m.Digest
		}
	}
	return ""
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// copaError asserts err is an *Error of the code whose message has want.
func copaError(t *testing.T, err error, sentinel *Error, want string) *Error {
	t.Helper()
	if err == nil {
		t.Fatalf("no error, expected %s", sentinel.Code.Name())
	}
	var e *Error
	if !errorsAs(err, &e) {
		t.Fatalf("%T %v is not a *copa.Error", err, err)
	}
	if !errorsIs(err, sentinel) {
		t.Fatalf("error %q has code %s, expected %s", e.Message, e.Code.Name(), sentinel.Code.Name())
	}
	if !strings.Contains(e.Message, want) {
		t.Fatalf("message %q lacks %q", e.Message, want)
	}
	return e
}
