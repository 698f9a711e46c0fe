package cli

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"strings"
	"text/tabwriter"

	"ernstfall/internal/handbook"
	"ernstfall/internal/ops"
)

// passphraseEnv names the environment variable a script may give an
// approver key's passphrase in.
const passphraseEnv = "ERNSTFALL_PASSPHRASE"

// passphrase reads an approver key's passphrase: the first line of the
// file named, or the environment variable ERNSTFALL_PASSPHRASE.
func passphrase(env *Env, file string) (string, error) {
	if file != "" {
		data, err := os.ReadFile(file)
		if err != nil {
			return "", env.usage("--passphrase-file {{.Path}} cannot be read", vars{"Path": quote(file)})
		}
		line, _, _ := strings.Cut(string(data), "\n")
		return strings.TrimRight(line, "\r"), nil
	}
	if env.Getenv != nil {
		return env.Getenv(passphraseEnv), nil
	}
	return "", nil
}

// keyState says in a few words where a key stands.
func keyState(env *Env, k handbook.KeyState) string {
	switch {
	case !k.Revoked.IsZero():
		return env.T("revoked on {{.Date}} by {{.By}}", vars{"Date": env.date(k.Revoked), "By": k.RevokedBy})
	case k.First:
		return env.T("admitted on {{.Date}} (the handbook's first key)", vars{"Date": env.date(k.Admitted)})
	case !k.Admitted.IsZero():
		return env.T("admitted on {{.Date}} by {{.By}}", vars{"Date": env.date(k.Admitted), "By": k.AdmittedBy})
	}
	return env.T("waiting to be admitted")
}

func runApproverKey(ctx context.Context, env *Env, g *globals, args []string) error {
	fs := flag.NewFlagSet("approver-key", flag.ContinueOnError)
	as := fs.String("as", "", "`NAME` of the approver (default: your name)")
	passFile := fs.String("passphrase-file", "", "read the key's passphrase from the first line of `FILE` (default: the environment variable "+passphraseEnv+")")
	asJSON := fs.Bool("json", false, "print the keys as JSON")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	action := "list"
	if len(pos) > 0 {
		action = strings.ToLower(pos[0])
	}
	fingerprint := strings.Join(pos[min(1, len(pos)):], " ")
	switch action {
	case "list":
		if len(pos) > 1 {
			return env.unexpected(pos[1])
		}
	case "create":
		if len(pos) > 1 {
			return env.unexpected(pos[1])
		}
	case "admit", "revoke", "trust":
		if fingerprint == "" {
			return env.usage("name the key by its FINGERPRINT ('ernstfall approver-key' lists them)")
		}
	default:
		return env.usage("approver-key takes list, create, admit, revoke or trust, not {{.Value}}", vars{"Value": quote(pos[0])})
	}
	if action == "list" {
		st, err := g.openRead(ctx, env)
		if err != nil {
			return err
		}
		defer st.Close()
		return listApproverKeys(ctx, env, env.ops(st), *asJSON)
	}
	st, err := g.openExisting(ctx, env)
	if err != nil {
		return err
	}
	defer st.Close()
	o := env.ops(st)
	name := *as
	if name == "" {
		name = env.who(g, "").Name
	}
	if action == "trust" {
		k, err := o.TrustFirstKey(ctx, fingerprint)
		if err != nil {
			return err
		}
		fmt.Fprintln(env.Stdout, env.T("This laptop trusts {{.Fingerprint}} of {{.Name}} as the handbook's first approver key.", vars{"Fingerprint": k.Fingerprint(), "Name": k.Name}))
		return nil
	}
	pass, err := passphrase(env, *passFile)
	if err != nil {
		return err
	}
	switch action {
	case "create":
		made, err := o.CreateApproverKey(ctx, ops.CreateApproverKey{As: name, Passphrase: pass})
		if err != nil {
			return err
		}
		fmt.Fprintln(env.Stdout, env.T("Approver key of {{.Name}} made on this laptop; fingerprint {{.Fingerprint}}.", vars{"Name": made.Key.Name, "Fingerprint": made.Fingerprint}))
		if made.First {
			fmt.Fprintln(env.Stdout, env.T("It is the handbook's first approver key and admitted at once; it confirms the releases made so far. Admit the keys of the other approvers with it."))
		} else {
			fmt.Fprintln(env.Stdout, env.T("Ask an approver with an admitted key to compare this fingerprint with you and admit it: ernstfall approver-key admit \"{{.Fingerprint}}\"", vars{"Fingerprint": made.Fingerprint}))
		}
	case "admit", "revoke":
		req := ops.ChangeApproverKey{Fingerprint: fingerprint, As: name, Passphrase: pass}
		var k handbook.KeyState
		if action == "admit" {
			k, err = o.AdmitApproverKey(ctx, req)
		} else {
			k, err = o.RevokeApproverKey(ctx, req)
		}
		if err != nil {
			return err
		}
		fmt.Fprintf(env.Stdout, "%s (%s): %s\n", k.Name, k.Fingerprint(), keyState(env, k))
	}
	return nil
}

type keyJSON struct {
	Name        string `json:"name"`
	Role        string `json:"role,omitempty"`
	Fingerprint string `json:"fingerprint"`
	State       string `json:"state"`
	First       bool   `json:"first,omitempty"`
	Local       bool   `json:"on_this_laptop,omitempty"`
}

func listApproverKeys(ctx context.Context, env *Env, o *ops.Ops, asJSON bool) error {
	v, err := o.ApproverKeys(ctx)
	if err != nil {
		return err
	}
	if asJSON {
		out := []keyJSON{}
		for _, k := range v.Keys {
			state := "waiting"
			switch {
			case !k.Revoked.IsZero():
				state = "revoked"
			case !k.Admitted.IsZero():
				state = "admitted"
			}
			out = append(out, keyJSON{Name: k.Name, Role: k.RoleName, Fingerprint: k.Fingerprint(), State: state, First: k.First, Local: v.Local[k.Key]})
		}
		enc := json.NewEncoder(env.Stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(out)
	}
	if len(v.Keys) == 0 {
		fmt.Fprintln(env.Stdout, env.T("No approver has a key yet. Releases need one: an approver sets up the first with 'ernstfall approver-key create' on their laptop."))
		return nil
	}
	tw := tabwriter.NewWriter(env.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, env.T("approver\trole\tfingerprint\tstate"))
	for _, k := range v.Keys {
		name := k.Name
		if v.Local[k.Key] {
			name += " " + env.T("(this laptop)")
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", name, k.RoleName, k.Fingerprint(), keyState(env, k))
	}
	tw.Flush()
	if len(v.Firsts) > 1 {
		var fps []string
		for _, f := range v.Firsts {
			fps = append(fps, handbook.KeyFingerprint(f))
		}
		msg := env.T("! {{.N}} keys claim to be the handbook's first approver key: {{.Keys}}.", vars{"N": len(v.Firsts), "Keys": strings.Join(fps, ", ")})
		if v.First != "" {
			msg += " " + env.T("This laptop trusts {{.Fingerprint}}.", vars{"Fingerprint": handbook.KeyFingerprint(v.First)})
		} else {
			msg += " " + env.T("Compare the fingerprints with their holders and choose: ernstfall approver-key trust FINGERPRINT")
		}
		fmt.Fprintln(env.Stdout, msg)
	}
	for _, p := range v.Problems {
		fmt.Fprintln(env.Stdout, env.T("! a key record of {{.Name}} ({{.Action}}, laptop {{.Laptop}}) gives nothing: {{.Reason}}",
			vars{"Name": p.Record.Name, "Action": string(p.Record.Action), "Laptop": p.Record.Device, "Reason": env.T(p.Reason)}))
	}
	return nil
}
