package kms

import (
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/provider"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/cdktf-kms/cdktf-kms/internal/madestack"
	"github.com/cdktf-kms/cdktf-kms/internal/tftemplate"
)

// The registry records every name the construct creates, so that a clash is
// an error that names both sides instead of a silent overwrite in the
// synthesized JSON (cdktf writes two elements with the same Terraform name
// into one, the last winning) or a panic of the jsii runtime.
//
//   - Per stack: Terraform addresses of resources and names of outputs.
//   - Per app: names that are global in AWS, across every stack of the app:
//     IAM role names per account, aliases per account and region, inline
//     grant policy names per IAM identity.
//
// NewKmsKey checks its names against the registry and against the stack's
// direct children (whose construct id is their Terraform name); a check at
// synth (a validation on the stack; one for all the stacks that
// NewEnvironmentStack made, see madeStack) catches elements the user adds
// later or nests with overridden names.
//
// The state lives on the nodes it is about: a child construct of the stack
// with the id stateNodeID holds it, added when the construct first creates
// something there, so that a refused configuration adds nothing to the
// stack; the app's is a child of its root from the first lookup, and holds
// the states of the stacks whose maker told the construct about them
// (madeStack). It goes with its app: the package keeps only the last
// lookup (recent).
var registryMu sync.Mutex

// stateNodeID is the construct id of the node that holds the construct's
// state of a stack or an app. It has a dot, so it is never a Terraform name
// and never clashes with one.
const stateNodeID = "cdktf-kms.state"

// stackStateNode and appStateNode are the nodes that hold the state: Go
// constructs, which the jsii runtime hands back as themselves when the
// kernel returns them.
type stackStateNode struct {
	constructs.Construct
	st *stackState
}

type appStateNode struct {
	constructs.Construct
	app *appState
}

// ToString names the node. The jsii runtime makes a Go construct only of a
// type that overrides a method.
func (n *stackStateNode) ToString() *string { return jsii.String(stateNodeID) }

// ToString names the node, as stackStateNode's does.
func (n *appStateNode) ToString() *string { return jsii.String(stateNodeID) }

// recent remembers the last stack and app whose state was looked up (a
// cache, registryMu held): the calls of one environment (the provider
// constraint, the key, its grants) then ask the kernel once. A stack's
// state that is not on its node yet (every call on it so far was refused)
// is held here and by the stack's synth check only; the state of a stack
// that madeStack recorded is held by its app's state.
var recent struct {
	stack cdktf.TerraformStack
	st    *stackState
	root  constructs.IConstruct
	app   *appState
}

// stackState is what the construct tracks per stack. Each jsii call costs
// about half a millisecond, so the stack's node is fetched once and its id
// and app only when a message or a name needs them.
type stackState struct {
	stack   cdktf.TerraformStack
	nodeRef constructs.Node // the stack's node, once fetched (node)
	id      string          // the stack's construct id, once fetched (stackName)
	app     *appState       // its app's
	// names: "resource <type>.<name>", "output <name>" -> who owns it.
	names map[string]string
	// owned are the constructs the construct created (skipped by the synth
	// check).
	owned map[any]bool
	// providers are the AWS providers for replica regions, by region.
	providers map[string]provider.AwsProvider
	resolver  cdktf.ITokenResolver
	// synthesized: the app has synthesized the stack; a change now would
	// not reach the output, so the construct refuses it.
	synthesized bool
	// alarms are the KeyAlarms in the stack (a key's own, and NewKeyAlarms).
	alarms []*KeyAlarms
	// keys are the stack's keys, and providerConstraint the AWS provider
	// versions it requires (SetAwsProviderConstraint; "" for the bindings').
	keys               []*KmsKey
	providerConstraint string
	// attached: the state is on the stack's node (attach).
	attached bool
	// known are the construct ids of the stack's direct children when the
	// code that made the stack said which they are (madeStack), until the
	// next key takes them; nil when unknown.
	known map[string]bool
	// made: the stack came through madeStack, and its app's check at synth
	// (madeValidation) checks it in place of a check of its own.
	made bool
}

// node returns the stack's node, fetched from the kernel once.
func (st *stackState) node() constructs.Node {
	if st.nodeRef == nil {
		st.nodeRef = st.stack.Node()
	}
	return st.nodeRef
}

// appState tracks names that are global in AWS across an app's stacks.
type appState struct {
	names map[string]appOwner
	// synthesized: the app has synthesized (one of its stacks was); a key
	// added now, even in a new stack, would not reach the output.
	synthesized bool
	// skipValidation is the app's SkipValidation (stacks then get an
	// aspect that marks them synthesized).
	skipValidation bool
	// root is the app's root construct.
	root constructs.IConstruct
	// made are the states of the stacks that came through madeStack, by
	// stack (they have no node of their own: stateOf finds them here), and
	// madeChecked says the one check at synth for all of them is on one of
	// their nodes (madeValidation).
	made        map[any]*stackState
	madeChecked bool
}

// appOwner is who created an app-wide name: the stack's id is fetched only
// for a message.
type appOwner struct {
	owner string
	st    *stackState
}

func (o appOwner) String() string { return o.owner + " of stack " + o.st.stackName() }

// stateOf returns the state of the stack (registryMu held): the one on
// its node, the one its app's state holds (madeStack: such a stack shares
// its app's check at synth), or a new one that attach puts there. A new
// state's stack gets its check at synth at the first lookup, before
// anything is created, so that the synth marks the stack (and its app)
// synthesized even when every call on it so far was refused; an app that
// skips validations gets an aspect for the mark instead (aspects run at
// every synth). The error names a construct of the user's that has the id
// the state's node needs.
func stateOf(stack cdktf.TerraformStack) (*stackState, error) {
	if recent.stack == stack {
		return recent.st, nil
	}
	node := stack.Node()
	switch n := node.TryFindChild(jsii.String(stateNodeID)).(type) {
	case *stackStateNode:
		recent.stack, recent.st = stack, n.st
		return n.st, nil
	case nil:
	default:
		return nil, reservedIDError(n)
	}
	app, err := appStateOf(node.Root())
	if err != nil {
		return nil, err
	}
	if st := app.made[stack]; st != nil {
		recent.stack, recent.st = stack, st
		return st, nil
	}
	st := &stackState{
		stack:   stack,
		nodeRef: node,
		names:   map[string]string{},
		owned:   map[any]bool{},
		app:     app,
	}
	node.AddValidation(&stackValidation{st: st})
	if app.skipValidation {
		cdktf.Aspects_Of(stack).Add(&synthMark{st: st})
	}
	recent.stack, recent.st = stack, st
	return st, nil
}

func init() { madestack.Made = madeStack }

// madeStack records a stack that its caller has just made, with exactly
// the given direct children (package madestack), so that the construct
// does not ask the kernel what the caller knows: there is no state on the
// stack yet, app is its root (nil: ask), and the next key checks its names
// against children instead of looking each up. The stack's state is kept
// by its app's state (on the root's node), where stateOf finds it, so no
// node of the construct's is added to the stack. Such stacks share one check at synth
// (madeValidation, added with the first key among them): it runs once for
// all of them, where a check of each stack's own is a call from the kernel
// into Go and a walk of the stack a stack. An app root that refuses its
// state (a construct of the user's with the state's id) is left to
// stateOf, which reports it.
func madeStack(app constructs.IConstruct, stack cdktf.TerraformStack, children ...string) {
	registryMu.Lock()
	defer registryMu.Unlock()
	if app == nil {
		app = stack.Node().Root()
	}
	appSt, err := appStateOf(app)
	if err != nil {
		return
	}
	st := &stackState{
		stack: stack,
		names: map[string]string{},
		owned: map[any]bool{},
		app:   appSt,
		// The app's state holds it (appState.made), on the root's node:
		// no node of its own in the stack.
		attached: true,
		known:    map[string]bool{},
		made:     true,
	}
	for _, c := range children {
		st.known[c] = true
	}
	if appSt.made == nil {
		appSt.made = map[any]*stackState{}
	}
	appSt.made[stack] = st
	if appSt.skipValidation {
		cdktf.Aspects_Of(stack).Add(&synthMark{st: st})
	}
	recent.stack, recent.st = stack, st
}

// checkMade adds the app's check of its made stacks at synth to this
// stack, the first of them with a key (registryMu held): a stack that
// NewEnvironmentStack removes again after a refused key never holds it.
func (st *stackState) checkMade() {
	if !st.made || st.app.madeChecked {
		return
	}
	st.app.madeChecked = true
	st.node().AddValidation(&madeValidation{app: st.app})
}

// stateError is stateOf's error for a construct with the given id.
func stateError(id string, err error) error {
	return &FieldError{Field: "id", Key: "id", Value: id, Rule: "cannot be created in its stack: " + err.Error()}
}

// reservedIDError refuses a construct of the user's with the id of the
// state's node.
func reservedIDError(c constructs.IConstruct) error {
	return fmt.Errorf("%s (%s) has the construct id %q, which cdktf-kms keeps for its state of the stack or app; rename that construct", *c.Node().Path(), typeName(c), stateNodeID)
}

// attach puts the state on the stack's node, before the construct creates
// anything in the stack or records a name (registryMu held).
func (st *stackState) attach() {
	if st.attached {
		return
	}
	st.attached = true
	n := &stackStateNode{st: st}
	constructs.NewConstruct_Override(n, st.stack, jsii.String(stateNodeID))
	st.owned[n] = true
	recent.stack, recent.st = st.stack, st
}

// detach takes the state's node off the stack again after a construction
// that failed, unless it was there before (wasAttached).
func (st *stackState) detach(wasAttached bool) {
	if wasAttached || !st.attached {
		return
	}
	st.node().TryRemoveChild(jsii.String(stateNodeID))
	st.attached = false
}

// appStateOf returns the state of an app by its root construct
// (registryMu held), on the root's node from the first lookup: the app's
// names and whether it has synthesized outlive a refused call. The app's
// SkipValidation is read once.
func appStateOf(root constructs.IConstruct) (*appState, error) {
	if recent.root == root {
		return recent.app, nil
	}
	switch n := root.Node().TryFindChild(jsii.String(stateNodeID)).(type) {
	case *appStateNode:
		recent.root, recent.app = root, n.app
		return n.app, nil
	case nil:
	default:
		return nil, reservedIDError(n)
	}
	app := &appState{names: map[string]appOwner{}, root: root}
	if a, ok := root.(cdktf.App); ok {
		skip := a.SkipValidation()
		app.skipValidation = skip != nil && *skip
	}
	if scope, ok := root.(constructs.Construct); ok {
		constructs.NewConstruct_Override(&appStateNode{app: app}, scope, jsii.String(stateNodeID))
	}
	recent.root, recent.app = root, app
	return app, nil
}

// synthMark marks its stack synthesized when the app invokes aspects.
type synthMark struct{ st *stackState }

// Visit implements cdktf.IAspect.
func (m *synthMark) Visit(constructs.IConstruct) {
	registryMu.Lock()
	defer registryMu.Unlock()
	if !m.st.synthesized {
		m.st.markSynthesized()
		m.st.warnMonitoringDependencies(*m.st.node().FindAll(constructs.ConstructOrder_PREORDER))
	}
}

// afterSynth refuses a change to a stack the app has synthesized
// (registryMu held): it would not reach the output.
func (st *stackState) afterSynth(f field, value any) error {
	switch {
	case st.synthesized:
		return &FieldError{Field: f.goName, Key: f.key, Value: value,
			Rule: fmt.Sprintf("stack %s has already been synthesized (app.Synth()), so this change would not reach its output; make every change before calling Synth", st.stackName())}
	case st.appState().synthesized:
		return &FieldError{Field: f.goName, Key: f.key, Value: value,
			Rule: fmt.Sprintf("the app of stack %s has already been synthesized (app.Synth()), so this would not reach the output; make every change before calling Synth", st.stackName())}
	}
	return nil
}

// markSynthesized records that the app has synthesized the stack.
func (st *stackState) markSynthesized() {
	st.synthesized = true
	st.appState().synthesized = true
}

// stackName returns the stack's construct id (registryMu held).
func (st *stackState) stackName() string {
	if st.id == "" {
		st.id = *st.node().Id()
	}
	return st.id
}

// appState returns the state of the stack's app (registryMu held).
func (st *stackState) appState() *appState { return st.app }

// claim is a name the construct is about to create.
type claim struct {
	// global says the name is unique per app (in AWS), not per stack.
	global bool
	// key identifies the name: "resource aws_kms_alias.x", "output y",
	// "role 123456789012 name", ...
	key string
	// what describes it in a message.
	what string
	// child is the construct id a direct child of the stack with this
	// Terraform name has (resources and outputs; "" for app-wide names).
	child string
	// field and value name the configuration it comes from.
	field field
	value any
}

// claims collects the names one operation creates, checks them all, and
// records them only when none is taken.
type claims struct {
	st    *stackState
	owner string // who claims, for the other side's message
	list  []claim
	// known are the stack's direct children when the code that made the
	// stack said (stackState.known): checkChildren then looks up only the
	// names among them.
	known map[string]bool
}

func (c *claims) resource(typ, name string, f field, value any) {
	c.list = append(c.list, claim{key: "resource " + typ + "." + name, what: typ + "." + name, child: name, field: f, value: value})
}

func (c *claims) output(name string, f field, value any) {
	c.list = append(c.list, claim{key: "output " + name, what: "output " + name, child: name, field: f, value: value})
}

// variable claims a Terraform variable the key declares in the stack.
func (c *claims) variable(name string, f field, value any) {
	c.list = append(c.list, claim{key: "variable " + name, what: "variable " + name, child: name, field: f, value: value})
}

func (c *claims) global(key, what string, f field, value any) {
	c.list = append(c.list, claim{global: true, key: key, what: what, field: f, value: value})
}

// check returns every claim that is already taken, or that two claims of
// this operation share, naming both owners.
func (c *claims) check() error {
	var p problems
	seen := map[string]bool{}
	for _, cl := range c.list {
		var owner, where string
		var taken bool
		if cl.global {
			var o appOwner
			if o, taken = c.st.appState().names[cl.key]; taken {
				owner, where = o.String(), "in this app"
			}
		} else if owner, taken = c.st.names[cl.key]; taken {
			where = "in stack " + c.st.stackName()
		}
		if taken {
			switch {
			case owner == c.owner && cl.field.goName == "id":
				p.add(cl.field, cl.value, "%s is already the address of another key %s; give each key its own id", cl.what, where)
			case strings.HasPrefix(cl.key, "output "):
				p.add(cl.field, cl.value, "%s is already created by %s %s; give each key of a stack its own OutputPrefix (output_prefix; default %q), or set SkipOutputs", cl.what, owner, where, DefaultOutputPrefix)
			default:
				p.add(cl.field, cl.value, "%s is already created by %s %s; names must be unique", cl.what, owner, where)
			}
			continue
		}
		if seen[cl.key] {
			p.add(cl.field, cl.value, "%s would be created twice by %s; make the names differ", cl.what, c.owner)
			continue
		}
		seen[cl.key] = true
	}
	return p.err()
}

// checkChildren refuses names that a direct child of the stack already has
// (its construct id is its Terraform name): one lookup per name, none for
// a name that is not among the children the stack's maker named. The key's
// own name is skipped for a key directly in the stack: there it is the key
// node's construct id, and a child with that id fails the construction
// with an error that says so.
func (c *claims) checkChildren(skip string) error {
	var p problems
	for _, cl := range c.list {
		if cl.child == "" || cl.key == skip || c.known != nil && !c.known[cl.child] {
			continue
		}
		child := c.st.node().TryFindChild(jsii.String(cl.child))
		if child == nil {
			continue
		}
		if strings.HasPrefix(cl.key, "variable ") {
			// The variable is created directly in the stack under its
			// name: any child with that construct id is in the way, the
			// construct's own too.
			p.add(cl.field, cl.value, "%s: %s (%s) already has the construct id %q in the stack, where the variable is created under its name; choose another name", cl.what, *child.Node().Path(), typeName(child), cl.child)
			continue
		}
		if c.st.owned[child] {
			continue
		}
		if other, ok := elementKey(child); ok && other == cl.key {
			advice := "rename one of them"
			if strings.HasPrefix(cl.key, "output ") {
				advice = "rename that output, or set the key's OutputPrefix (output_prefix)"
			}
			p.add(cl.field, cl.value, "%s is already used by %s (%s); %s", cl.what, *child.Node().Path(), typeName(child), advice)
		}
	}
	return p.err()
}

// commit records the claims (after check).
func (c *claims) commit() {
	c.st.attach()
	for _, cl := range c.list {
		if cl.global {
			c.st.appState().names[cl.key] = appOwner{c.owner, c.st}
		} else {
			c.st.names[cl.key] = c.owner
		}
	}
}

// release forgets the claims, after a construction that failed.
func (c *claims) release() {
	for _, cl := range c.list {
		if cl.global {
			delete(c.st.appState().names, cl.key)
		} else {
			delete(c.st.names, cl.key)
		}
	}
}

// elementKey returns the registry key of a Terraform element.
func elementKey(c constructs.IConstruct) (string, bool) {
	switch el := c.(type) {
	case cdktf.TerraformResource:
		return "resource " + *el.TerraformResourceType() + "." + *el.FriendlyUniqueId(), true
	case cdktf.TerraformOutput:
		return "output " + *el.FriendlyUniqueId(), true
	case cdktf.TerraformVariable:
		return "variable " + *el.FriendlyUniqueId(), true
	}
	return "", false
}

func typeName(c any) string {
	s := fmt.Sprintf("%T", c)
	s = strings.TrimPrefix(s, "*")
	return strings.Replace(s, "jsiiProxy_", "", 1)
}

// own marks constructs as created by the construct.
func (st *stackState) own(cs ...any) {
	st.attach()
	for _, c := range cs {
		st.owned[c] = true
	}
}

// stackValidation checks at synth that no element the construct did not
// create has a Terraform name the construct uses.
type stackValidation struct{ st *stackState }

// Validate implements constructs.IValidation.
func (v *stackValidation) Validate() *[]*string {
	registryMu.Lock()
	defer registryMu.Unlock()
	out := v.st.checkAtSynth(*v.st.node().FindAll(constructs.ConstructOrder_PREORDER))
	sort.Strings(out)
	return jsii.Strings(out...)
}

// madeValidation is the one check at synth of the stacks that came
// through madeStack: a walk of the whole app, each of its stacks' part
// checked as stackValidation checks a stack.
type madeValidation struct{ app *appState }

// Validate implements constructs.IValidation. In the app's walk
// (preorder) each child of the root is followed by what it holds; the part
// of a made stack is checked as its own check would check it (what it
// holds, stacks nested in it included), and the parts of other children
// are left to their own checks.
func (v *madeValidation) Validate() *[]*string {
	registryMu.Lock()
	defer registryMu.Unlock()
	root := v.app.root.Node()
	top := map[any]bool{}
	for _, c := range *root.Children() {
		top[c] = true
	}
	var out []string
	var st *stackState
	var part []constructs.IConstruct
	check := func() {
		if st != nil {
			out = append(out, st.checkAtSynth(part)...)
		}
	}
	for _, c := range *root.FindAll(constructs.ConstructOrder_PREORDER) {
		if top[c] {
			check()
			st, part = nil, nil
			if s, ok := c.(cdktf.TerraformStack); ok {
				st = v.app.made[s]
			}
		}
		part = append(part, c)
	}
	check()
	sort.Strings(out)
	return jsii.Strings(out...)
}

// checkAtSynth marks the stack synthesized, warns of what would silence
// its alarms, and returns a problem for each element of all (the stack's
// constructs) that the construct did not create and that has a Terraform
// name it uses (registryMu held).
func (st *stackState) checkAtSynth(all []constructs.IConstruct) []string {
	st.markSynthesized()
	st.warnMonitoringDependencies(all)
	var out []string
	for _, c := range all {
		if st.owned[c] {
			continue
		}
		key, ok := elementKey(c)
		if !ok {
			continue
		}
		if owner, taken := st.names[key]; taken {
			_, what, _ := strings.Cut(key, " ")
			if strings.HasPrefix(key, "output ") {
				what = "output " + what
			}
			out = append(out, fmt.Sprintf("%s of %s (%s) is also created by %s: the synthesized JSON would keep only one of them; rename one", what, *c.Node().Path(), typeName(c), owner))
		}
	}
	return out
}

// resolve returns the Terraform expression a token stands for, like
// "${aws_iam_role.app.name}".
func (st *stackState) resolve(token string) string {
	out := st.resolveAny(token)
	if s, ok := out.(string); ok {
		return s
	}
	if s, ok := out.(*string); ok && s != nil {
		return *s
	}
	return fmt.Sprint(out)
}

// resolveAny returns what a token (a string or a whole list token)
// resolves to.
func (st *stackState) resolveAny(token string) any {
	if st.resolver == nil {
		st.resolver = cdktf.NewDefaultTokenResolver(cdktf.NewStringConcat())
	}
	if tftemplate.IsListToken(token) {
		return cdktf.Tokenization_Resolve(&[]*string{jsii.String(token)}, &cdktf.ResolveOptions{Resolver: st.resolver, Scope: st.stack})
	}
	return cdktf.Tokenization_Resolve(jsii.String(token), &cdktf.ResolveOptions{Resolver: st.resolver, Scope: st.stack})
}
