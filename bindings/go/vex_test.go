package copa

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

const imageDigest = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

func TestPurls(t *testing.T) {
	image, err := PurlImage("docker.io", "library/nginx", imageDigest, "1.25-patched")
	if err != nil || image != "pkg:oci/nginx@"+imageDigest+"?repository_url=docker.io%2Flibrary%2Fnginx&tag=1.25-patched" {
		t.Fatalf("%s %v", image, err)
	}
	pkg, err := PurlPackage("deb", "debian", "12.5", "libssl3", "3.0.13-1~deb12u1", "amd64")
	if err != nil || pkg != "pkg:deb/debian/libssl3@3.0.13-1~deb12u1?arch=amd64&distro=debian-12" {
		t.Fatalf("%s %v", pkg, err)
	}
	_, err = PurlImage("docker.io", "library/nginx", "sha256:short", "")
	copaError(t, err, ErrInvalid, "")
	_, err = PurlPackage("deb", "debian", "", "", "1.0", "")
	copaError(t, err, ErrInvalid, "")
}

func TestVexDocument(t *testing.T) {
	image, _ := PurlImage("docker.io", "library/nginx", imageDigest, "1.25-patched")
	pkg, _ := PurlPackage("deb", "debian", "12.5", "libssl3", "3.0.13-1~deb12u1", "amd64")
	v, err := NewVex(&VexOptions{Author: "Test <t@example.com>", Timestamp: "2024-05-01T12:00:00Z"})
	if err != nil {
		t.Fatal(err)
	}
	defer v.Close()
	if _, err := v.JSON(); err == nil {
		t.Fatal("an empty document has JSON")
	}
	for _, id := range []string{"CVE-2024-0727", "CVE-2023-6129", "CVE-2024-0727"} {
		if err := v.AddFixed(id, image, pkg); err != nil {
			t.Fatal(err)
		}
	}
	if v.Len() != 2 {
		t.Fatalf("Len %d", v.Len())
	}
	data, err := v.JSON()
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Context    string `json:"@context"`
		ID         string `json:"@id"`
		Author     string `json:"author"`
		Timestamp  string `json:"timestamp"`
		Statements []struct {
			Vulnerability struct {
				Name string `json:"name"`
			} `json:"vulnerability"`
			Status   string `json:"status"`
			Products []struct {
				ID            string `json:"@id"`
				Subcomponents []struct {
					ID string `json:"@id"`
				} `json:"subcomponents"`
			} `json:"products"`
		} `json:"statements"`
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, s := range doc.Statements {
		names = append(names, s.Vulnerability.Name)
	}
	if doc.Context != "https://openvex.dev/ns/v0.2.0" || doc.Author != "Test <t@example.com>" ||
		doc.Timestamp != "2024-05-01T12:00:00Z" || !strings.HasPrefix(doc.ID, "https://openvex.dev/docs/public/vex-") ||
		!reflect.DeepEqual(names, []string{"CVE-2023-6129", "CVE-2024-0727"}) ||
		doc.Statements[0].Status != "fixed" || doc.Statements[0].Products[0].ID != image ||
		doc.Statements[0].Products[0].Subcomponents[0].ID != pkg {
		t.Fatalf("%s", data)
	}
	path := filepath.Join(t.TempDir(), "out.vex.json")
	if err := v.WriteFile(path); err != nil {
		t.Fatal(err)
	}
	if written, _ := os.ReadFile(path); string(written) != string(data) {
		t.Fatal("file differs from JSON()")
	}
	err = v.WriteFile("/nonexistent-dir/x.json")
	copaError(t, err, ErrGeneric, "/nonexistent-dir/x.json")
	copaError(t, v.AddFixed("CVE 1", image, ""), ErrInvalid, "")
	copaError(t, v.AddFixed("CVE-2024-1", "not-a-purl", ""), ErrInvalid, "")
	v.Close()
	v.Close()
	if err := v.AddFixed("CVE-2024-2", image, ""); err == nil {
		t.Fatal("a closed document accepted a claim")
	}
}

func TestVexOptionErrors(t *testing.T) {
	_, err := NewVex(&VexOptions{ID: "not an iri"})
	copaError(t, err, ErrInvalid, "not an iri")
	_, err = NewVex(&VexOptions{Timestamp: "yesterday"})
	copaError(t, err, ErrInvalid, "")
}
