package copa

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

func TestParseReference(t *testing.T) {
	ref, err := ParseReference("nginx")
	if err != nil {
		t.Fatal(err)
	}
	want := Reference{Transport: "docker", Registry: "docker.io", Repository: "library/nginx",
		Tag: "latest", String: "docker.io/library/nginx:latest"}
	if *ref != want {
		t.Fatalf("%+v", ref)
	}
	ref, err = ParseReference("oci:/tmp/layout:v1")
	if err != nil || ref.Transport != "oci" || ref.Path != "/tmp/layout" || ref.Tag != "v1" || ref.Registry != "" {
		t.Fatalf("%+v %v", ref, err)
	}
	_, err = ParseReference("UPPER/Case")
	copaError(t, err, ErrInvalid, "UPPER/Case")
	_, err = ParseReference("repo@sha512:" + strings.Repeat("ab", 64))
	copaError(t, err, ErrUnsupported, "")
}

type inspectDoc struct {
	Manifest struct {
		Digest string `json:"digest"`
	} `json:"manifest"`
	Layers []struct {
		Digest string `json:"digest"`
	} `json:"layers"`
	Config struct {
		Entrypoint []string `json:"entrypoint"`
	} `json:"config"`
}

func inspectJSON(t *testing.T, image string) inspectDoc {
	t.Helper()
	data, err := Inspect(image, &RegistryOptions{CacheDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	var doc inspectDoc
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	return doc
}

func TestInspectOCILayout(t *testing.T) {
	layout, digest := ociImage(t)
	doc := inspectJSON(t, "oci:"+layout+":v1")
	if doc.Manifest.Digest != digest || len(doc.Layers) != 2 || doc.Config.Entrypoint[0] != "/hello" {
		t.Fatalf("%+v", doc)
	}
	text, err := InspectText("oci:"+layout+":v1", nil)
	if err != nil || !strings.Contains(text, digest) || !strings.Contains(text, "copatest") {
		t.Fatalf("%v: %s", err, text)
	}
	if _, err := exec.LookPath("skopeo"); err == nil {
		raw, err := exec.Command("skopeo", "inspect", "--raw", "oci:"+layout+":v1").Output()
		if err != nil {
			t.Fatal(err)
		}
		sum := sha256.Sum256(raw)
		if "sha256:"+hex.EncodeToString(sum[:]) != digest {
			t.Fatal("skopeo's manifest has another digest")
		}
	}
}

func TestInspectErrors(t *testing.T) {
	layout, digest := ociImage(t)
	_, err := Inspect("oci:"+layout+":nosuchtag", nil)
	copaError(t, err, ErrNotFound, "nosuchtag")
	_, err = Inspect("oci:"+layout+":v1", &RegistryOptions{Platform: "linux/s390x"})
	copaError(t, err, ErrNotFound, "")
	_, err = Inspect("Not A Reference", nil)
	copaError(t, err, ErrInvalid, "")
	// A layer that does not match its digest.
	var m struct {
		Layers []struct {
			Digest string `json:"digest"`
		} `json:"layers"`
	}
	data, _ := os.ReadFile(filepath.Join(layout, "blobs", "sha256", digest[7:]))
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatal(err)
	}
	blob := filepath.Join(layout, "blobs", "sha256", m.Layers[1].Digest[7:])
	content, _ := os.ReadFile(blob)
	content[len(content)-1] ^= 0xff
	_ = os.Chmod(blob, 0o644)
	writeFile(t, blob, string(content))
	_, err = Inspect("oci:"+layout+":v1", nil)
	copaError(t, err, ErrVerify, m.Layers[1].Digest)
}

func TestCopy(t *testing.T) {
	layout, digest := ociImage(t)
	dir := t.TempDir()
	archive := filepath.Join(dir, "img.tar")
	if err := Copy("oci:"+layout+":v1", "oci-archive:"+archive+":v1", nil); err != nil {
		t.Fatal(err)
	}
	if d := inspectJSON(t, "oci-archive:"+archive+":v1").Manifest.Digest; d != digest {
		t.Fatalf("oci-archive digest %s, want %s", d, digest)
	}
	dst := filepath.Join(dir, "dst")
	if err := Copy("oci-archive:"+archive+":v1", "oci:"+dst+":copied", nil); err != nil {
		t.Fatal(err)
	}
	if tagDigest(t, dst, "copied") != digest {
		t.Fatal("copied layout has another digest")
	}
	docker := filepath.Join(dir, "docker.tar")
	if err := Copy("oci:"+layout+":v1", "docker-archive:"+docker+":example.com/copa/test:1", nil); err != nil {
		t.Fatal(err)
	}
	if got := inspectJSON(t, "docker-archive:"+docker); len(got.Layers) != 2 {
		t.Fatalf("%+v", got)
	}
	out := filepath.Join(dir, "never.tar")
	err := Copy("oci:"+layout+":missing", "oci-archive:"+out, nil)
	copaError(t, err, ErrNotFound, "missing")
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Fatal("a failed copy left a file behind")
	}
}
