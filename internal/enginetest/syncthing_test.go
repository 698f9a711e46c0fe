// Package enginetest runs the shared-folder protocol through real
// file-sync engines: two Syncthing instances on loopback, each serving one
// side's copy of the shared folder, with laptops on both sides.
package enginetest

import (
	"bytes"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"text/template"
	"time"
)

// syncthingBinary finds the syncthing program, or skips the test: it is
// the one thing a machine may lack (`make deps` installs it).
func syncthingBinary(t *testing.T) string {
	t.Helper()
	bin, err := exec.LookPath("syncthing")
	if err != nil {
		t.Skip("syncthing is not installed (make deps installs it): the test with a real file-sync engine did not run")
	}
	return bin
}

// folderID is the ID of the one folder both instances share.
const folderID = "krisenstab"

// instance is one running Syncthing: its home (config, keys, database,
// log), the folder it serves, its device ID and its REST API on loopback.
type instance struct {
	name, home, folder string
	id                 string
	apiKey             string
	gui, listen        int
	cmd                *exec.Cmd
	exited             chan error
	client             *http.Client
}

// pair is two Syncthing instances that know only each other.
type pair struct {
	a, b *instance
}

// freePort asks the kernel for a free loopback port. Another process may
// take it before Syncthing binds it; Syncthing then fails to start, which
// the test reports with its log.
func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("find a free port: %v", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// startPair starts two instances serving folderA and folderB as one shared
// folder, and waits until they are connected.
func startPair(t *testing.T, bin, folderA, folderB string) *pair {
	t.Helper()
	p := &pair{a: prepare(t, bin, "a", folderA), b: prepare(t, bin, "b", folderB)}
	writeConfig(t, p.a, p.b)
	writeConfig(t, p.b, p.a)
	p.a.start(t, bin)
	p.b.start(t, bin)
	p.waitConnected(t)
	return p
}

// prepare makes an instance's keys with `syncthing generate` and reads
// its device ID; the configuration is written by writeConfig.
func prepare(t *testing.T, bin, name, folder string) *instance {
	t.Helper()
	home := filepath.Join(t.TempDir(), "syncthing-"+name)
	in := &instance{name: name, home: home, folder: folder, gui: freePort(t), listen: freePort(t),
		client: &http.Client{Timeout: 30 * time.Second}}
	run(t, bin, home, "generate", "--home="+home, "--no-default-folder")
	in.id = strings.TrimSpace(run(t, bin, home, "serve", "--home="+home, "--device-id"))
	if len(in.id) != 63 {
		t.Fatalf("syncthing %s: unexpected device ID %q", name, in.id)
	}
	var key [24]byte
	if _, err := rand.Read(key[:]); err != nil {
		t.Fatal(err)
	}
	in.apiKey = fmt.Sprintf("%x", key)
	return in
}

// run runs syncthing to completion and returns its output.
func run(t *testing.T, bin, home string, args ...string) string {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Env = quietEnv(home)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("syncthing %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

// quietEnv keeps Syncthing to itself: no upgrades, no restarts, no
// default folder, and a home of its own so that nothing of the user's is
// read or written.
func quietEnv(home string) []string {
	env := []string{"HOME=" + home, "STNOUPGRADE=1", "STNORESTART=1", "STNODEFAULTFOLDER=1"}
	for _, kv := range os.Environ() {
		if strings.HasPrefix(kv, "PATH=") || strings.HasPrefix(kv, "TMPDIR=") {
			env = append(env, kv)
		}
	}
	return env
}

// configTemplate is a whole Syncthing configuration (version 36, as 1.19
// writes it): one folder shared with one device at a fixed loopback
// address; global and local discovery, relays, NAT traversal (and with it
// STUN), usage and crash reporting and upgrades off; the GUI and its REST
// API on loopback only, with a generated API key. Conflict copies are kept
// without limit, so that the test sees every one.
var configTemplate = template.Must(template.New("config").Parse(`<configuration version="36">
    <folder id="{{.Folder}}" label="Krisenstab" path="{{.Path}}" type="sendreceive" rescanIntervalS="3600" fsWatcherEnabled="true" fsWatcherDelayS="1" ignorePerms="false" autoNormalize="true">
        <filesystemType>basic</filesystemType>
        <device id="{{.Self}}" introducedBy=""></device>
        <device id="{{.Peer}}" introducedBy=""></device>
        <minDiskFree unit="%">0</minDiskFree>
        <maxConflicts>-1</maxConflicts>
        <markerName>.stfolder</markerName>
    </folder>
    <device id="{{.Self}}" name="{{.SelfName}}" compression="metadata" introducer="false" skipIntroductionRemovals="false" introducedBy="">
        <address>tcp://127.0.0.1:{{.Listen}}</address>
        <autoAcceptFolders>false</autoAcceptFolders>
    </device>
    <device id="{{.Peer}}" name="{{.PeerName}}" compression="metadata" introducer="false" skipIntroductionRemovals="false" introducedBy="">
        <address>tcp://127.0.0.1:{{.PeerListen}}</address>
        <autoAcceptFolders>false</autoAcceptFolders>
    </device>
    <gui enabled="true" tls="false" debugging="false">
        <address>127.0.0.1:{{.GUI}}</address>
        <apikey>{{.APIKey}}</apikey>
        <theme>default</theme>
    </gui>
    <options>
        <listenAddress>tcp://127.0.0.1:{{.Listen}}</listenAddress>
        <globalAnnounceEnabled>false</globalAnnounceEnabled>
        <localAnnounceEnabled>false</localAnnounceEnabled>
        <relaysEnabled>false</relaysEnabled>
        <natEnabled>false</natEnabled>
        <stunKeepaliveStartS>0</stunKeepaliveStartS>
        <stunKeepaliveMinS>0</stunKeepaliveMinS>
        <announceLANAddresses>false</announceLANAddresses>
        <startBrowser>false</startBrowser>
        <urAccepted>-1</urAccepted>
        <urSeen>3</urSeen>
        <crashReportingEnabled>false</crashReportingEnabled>
        <autoUpgradeIntervalH>0</autoUpgradeIntervalH>
        <reconnectionIntervalS>1</reconnectionIntervalS>
        <minHomeDiskFree unit="%">0</minHomeDiskFree>
        <setLowPriority>false</setLowPriority>
    </options>
</configuration>
`))

func writeConfig(t *testing.T, self, peer *instance) {
	t.Helper()
	var buf bytes.Buffer
	err := configTemplate.Execute(&buf, map[string]any{
		"Folder": folderID, "Path": self.folder, "Self": self.id, "SelfName": self.name, "Peer": peer.id, "PeerName": peer.name,
		"Listen": self.listen, "PeerListen": peer.listen, "GUI": self.gui, "APIKey": self.apiKey,
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(self.home, "config.xml"), buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
}

// start runs the instance until the test ends; it is shut down through
// its API (killed if it does not stop), and its log is printed when the
// test failed.
func (in *instance) start(t *testing.T, bin string) {
	t.Helper()
	logFile := filepath.Join(in.home, "syncthing.log")
	in.cmd = exec.Command(bin, "serve", "--home="+in.home, "--no-browser", "--no-restart", "--no-upgrade",
		"--no-default-folder", "--logfile="+logFile, "--logflags=3")
	in.cmd.Env = quietEnv(in.home)
	if err := in.cmd.Start(); err != nil {
		t.Fatalf("start syncthing %s: %v", in.name, err)
	}
	in.exited = make(chan error, 1)
	go func() { in.exited <- in.cmd.Wait() }()
	t.Cleanup(func() {
		in.stop()
		if t.Failed() {
			if log, err := os.ReadFile(logFile); err == nil {
				t.Logf("syncthing %s log:\n%s", in.name, log)
			}
		}
	})
	deadline := time.Now().Add(60 * time.Second)
	for {
		var pong struct{ Ping string }
		err := in.get("/rest/system/ping", &pong)
		if err == nil && pong.Ping == "pong" {
			return
		}
		select {
		case werr := <-in.exited:
			log, _ := os.ReadFile(logFile)
			t.Fatalf("syncthing %s stopped at start (%v):\n%s", in.name, werr, log)
		case <-time.After(50 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatalf("syncthing %s: REST API not up after 60 s: %v", in.name, err)
		}
	}
}

// stop shuts the instance down through its API, or kills it after 20 s.
func (in *instance) stop() {
	if in.cmd == nil || in.cmd.Process == nil {
		return
	}
	_ = in.post("/rest/system/shutdown")
	select {
	case <-in.exited:
	case <-time.After(20 * time.Second):
		_ = in.cmd.Process.Kill()
		<-in.exited
	}
	in.cmd = nil
}

func (in *instance) url(path string) string {
	return fmt.Sprintf("http://127.0.0.1:%d%s", in.gui, path)
}

// get calls a REST endpoint and decodes its JSON answer into out.
func (in *instance) get(path string, out any) error {
	req, err := http.NewRequest(http.MethodGet, in.url(path), nil)
	if err != nil {
		return err
	}
	req.Header.Set("X-API-Key", in.apiKey)
	resp, err := in.client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("GET %s: %s: %s", path, resp.Status, body)
	}
	return json.Unmarshal(body, out)
}

// post calls a REST endpoint that changes something (a scan, a shutdown);
// a scan answers when it is done.
func (in *instance) post(path string) error {
	req, err := http.NewRequest(http.MethodPost, in.url(path), nil)
	if err != nil {
		return err
	}
	req.Header.Set("X-API-Key", in.apiKey)
	resp, err := in.client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("POST %s: %s: %s", path, resp.Status, body)
	}
	return nil
}

// connected reports whether the instance holds a connection to peer.
func (in *instance) connected(peer *instance) (bool, error) {
	var c struct {
		Connections map[string]struct{ Connected bool }
	}
	if err := in.get("/rest/system/connections", &c); err != nil {
		return false, err
	}
	return c.Connections[peer.id].Connected, nil
}

func (p *pair) waitConnected(t *testing.T) {
	t.Helper()
	p.poll(t, "the instances to connect", func() (bool, error) {
		a, err := p.a.connected(p.b)
		if err != nil || !a {
			return false, err
		}
		return p.b.connected(p.a)
	})
}

// folderState is what one instance says about the shared folder.
type folderState struct {
	State          string `json:"state"`
	NeedTotalItems int    `json:"needTotalItems"`
	PullErrors     int    `json:"pullErrors"`
	GlobalItems    int    `json:"globalTotalItems"`
	Sequence       int64  `json:"sequence"`
}

type completion struct {
	Completion  float64 `json:"completion"`
	NeedItems   int     `json:"needItems"`
	NeedDeletes int     `json:"needDeletes"`
}

// idle reports whether the instance has nothing left to pull, and
// believes its peer has nothing left to pull either.
func (in *instance) idle(peer *instance) (bool, folderState, error) {
	var st folderState
	if err := in.get("/rest/db/status?folder="+folderID, &st); err != nil {
		return false, st, err
	}
	var c completion
	if err := in.get("/rest/db/completion?folder="+folderID+"&device="+peer.id, &c); err != nil {
		return false, st, err
	}
	ok := st.State == "idle" && st.NeedTotalItems == 0 && c.NeedItems == 0 && c.NeedDeletes == 0 && c.Completion == 100
	return ok, st, nil
}

// settle has both instances scan their folder now (a scan answers when it
// is done), then waits until both are idle, each believes the other has
// everything, and both count the same items, twice in a row: the two
// copies of the shared folder are the same. It never waits a fixed time.
func (p *pair) settle(t *testing.T) {
	t.Helper()
	for _, in := range []*instance{p.a, p.b} {
		if err := in.post("/rest/db/scan?folder=" + folderID); err != nil {
			t.Fatalf("syncthing %s: %v", in.name, err)
		}
	}
	calm := 0
	p.poll(t, "both copies of the shared folder to agree", func() (bool, error) {
		okA, stA, err := p.a.idle(p.b)
		if err != nil {
			return false, err
		}
		okB, stB, err := p.b.idle(p.a)
		if err != nil {
			return false, err
		}
		if okA && okB && stA.GlobalItems == stB.GlobalItems {
			calm++
		} else {
			calm = 0
		}
		return calm >= 2, nil
	})
}

// poll asks cond every 50 ms until it holds, for at most two minutes.
func (p *pair) poll(t *testing.T, what string, cond func() (bool, error)) {
	t.Helper()
	deadline := time.Now().Add(2 * time.Minute)
	var last error
	for time.Now().Before(deadline) {
		ok, err := cond()
		if ok {
			return
		}
		last = err
		select {
		case err := <-p.a.exited:
			t.Fatalf("syncthing a stopped: %v", err)
		case err := <-p.b.exited:
			t.Fatalf("syncthing b stopped: %v", err)
		case <-time.After(50 * time.Millisecond):
		}
	}
	t.Fatalf("waited two minutes for %s (last error: %v)", what, last)
}

// offline checks what the instance says about its network: no discovery,
// no relays, and listening on loopback only.
func (in *instance) offline() error {
	var st struct {
		DiscoveryEnabled        bool                       `json:"discoveryEnabled"`
		DiscoveryMethods        int                        `json:"discoveryMethods"`
		ConnectionServiceStatus map[string]json.RawMessage `json:"connectionServiceStatus"`
	}
	if err := in.get("/rest/system/status", &st); err != nil {
		return err
	}
	var problems []string
	if st.DiscoveryEnabled || st.DiscoveryMethods != 0 {
		problems = append(problems, fmt.Sprintf("discovery on (%d methods)", st.DiscoveryMethods))
	}
	for addr := range st.ConnectionServiceStatus {
		if addr != fmt.Sprintf("tcp://127.0.0.1:%d", in.listen) {
			problems = append(problems, "listens on "+addr)
		}
	}
	if len(st.ConnectionServiceStatus) == 0 {
		problems = append(problems, "no listener reported")
	}
	var opts struct {
		GlobalAnnounceEnabled bool `json:"globalAnnounceEnabled"`
		LocalAnnounceEnabled  bool `json:"localAnnounceEnabled"`
		RelaysEnabled         bool `json:"relaysEnabled"`
		NatEnabled            bool `json:"natEnabled"`
		URAccepted            int  `json:"urAccepted"`
		CrashReportingEnabled bool `json:"crashReportingEnabled"`
		AutoUpgradeIntervalH  int  `json:"autoUpgradeIntervalH"`
	}
	if err := in.get("/rest/config/options", &opts); err != nil {
		return err
	}
	if opts.GlobalAnnounceEnabled || opts.LocalAnnounceEnabled || opts.RelaysEnabled || opts.NatEnabled ||
		opts.URAccepted >= 0 || opts.CrashReportingEnabled || opts.AutoUpgradeIntervalH != 0 {
		problems = append(problems, fmt.Sprintf("options reach out: %+v", opts))
	}
	if len(problems) > 0 {
		return errors.New(strings.Join(problems, "; "))
	}
	return nil
}

// TestSyncthingHarness checks the harness itself: a file written on one
// side arrives on the other once settled, and neither instance reaches
// beyond loopback.
func TestSyncthingHarness(t *testing.T) {
	bin := syncthingBinary(t)
	a, b := t.TempDir(), t.TempDir()
	p := startPair(t, bin, a, b)
	for _, in := range []*instance{p.a, p.b} {
		if err := in.offline(); err != nil {
			t.Errorf("syncthing %s is not confined to loopback: %v", in.name, err)
		}
	}
	if err := os.WriteFile(filepath.Join(a, "hello.txt"), []byte("from a"), 0o644); err != nil {
		t.Fatal(err)
	}
	p.settle(t)
	got, err := os.ReadFile(filepath.Join(b, "hello.txt"))
	if err != nil || string(got) != "from a" {
		t.Fatalf("file did not arrive on side b: %q, %v", got, err)
	}
	if err := os.Remove(filepath.Join(b, "hello.txt")); err != nil {
		t.Fatal(err)
	}
	p.settle(t)
	if _, err := os.Stat(filepath.Join(a, "hello.txt")); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("deletion did not arrive on side a: %v", err)
	}
}
