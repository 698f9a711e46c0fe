package cli

import (
	"context"
	"flag"

	"ernstfall/internal/handbook"
	"ernstfall/internal/ops"
	"ernstfall/internal/store"
)

// subcommand runs one sub-command of a command with several.
type subcommand = func(context.Context, *Env, *globals, []string) error

// runSub runs the sub-command args[0] names among subs; known lists them
// in the order the help gives.
func (env *Env) runSub(ctx context.Context, g *globals, args []string, subs map[string]subcommand, known string) error {
	if len(args) == 0 {
		return env.usage("missing sub-command: {{.Known}}", vars{"Known": known})
	}
	if f, ok := subs[args[0]]; ok {
		return f(ctx, env, g, args[1:])
	}
	return env.usage("unknown sub-command {{.Name}} (known: {{.Known}})", vars{"Name": quote(args[0]), "Known": known})
}

// withOps opens the handbook for a command that writes, runs f with its
// operations and closes the handbook again.
func (env *Env) withOps(ctx context.Context, g *globals, f func(o *ops.Ops, st *store.Store) error) error {
	st, err := g.openExisting(ctx, env)
	if err != nil {
		return err
	}
	defer st.Close()
	return f(env.ops(st), st)
}

// loadRead reads the live handbook for a command that only reads.
func (g *globals) loadRead(ctx context.Context, env *Env) (handbook.Handbook, error) {
	st, err := g.openRead(ctx, env)
	if err != nil {
		return handbook.Handbook{}, err
	}
	defer st.Close()
	hb, err := st.Load(ctx)
	if err != nil {
		return handbook.Handbook{}, err
	}
	return hb.Live(), nil
}

// idArg parses the flags in args and returns the one ID the arguments
// name; what says what it is the ID of.
func (env *Env) idArg(fs *flag.FlagSet, args []string, what string) (string, error) {
	pos, err := parse(fs, args)
	if err != nil {
		return "", err
	}
	return oneArg(env, pos, what)
}
