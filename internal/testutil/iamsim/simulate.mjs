// simulate.mjs decides IAM requests with the independent simulator
// @cloud-copilot/iam-simulate (pinned in package.json), for the tests that
// hold the product's evaluator and access report against it (package
// iamsim runs it).
//
// Input (stdin): {"requests": [{"id": "...", "principal": "arn:... or a
// service principal", "action": "kms:Decrypt", "resource": "key ARN",
// "resourceAccount": "123456789012", "context": {"key": "value" or [...]},
// "resourcePolicy": {...key policy...}, "identityPolicies": [{"name": "...",
// "policy": {...}}], "permissionBoundaries": [{"name": "...", "policy": {...}}]}]}
// Output (stdout): one JSON object per line, {"id": "...", "result":
// "Allowed" | "ExplicitlyDenied" | "ImplicitlyDenied", "ignoredContextKeys":
// [...]} or {"id": "...", "error": "..."}, in input order.
//
// Strict mode: the request is decided exactly as given (no discovery of
// unknown context keys).
import { runSimulation } from '@cloud-copilot/iam-simulate'

const chunks = []
for await (const chunk of process.stdin) chunks.push(chunk)
const input = JSON.parse(Buffer.concat(chunks).toString('utf8'))

const out = []
for (const r of input.requests) {
  try {
    const response = await runSimulation(
      {
        request: {
          principal: r.principal,
          action: r.action,
          resource: { resource: r.resource, accountId: r.resourceAccount },
          contextVariables: r.context ?? {}
        },
        identityPolicies: r.identityPolicies ?? [],
        permissionBoundaryPolicies: r.permissionBoundaries ?? [],
        serviceControlPolicies: [],
        resourceControlPolicies: [],
        resourcePolicy: r.resourcePolicy
      },
      { simulationMode: 'Strict' }
    )
    if (response.resultType === 'error') {
      out.push(JSON.stringify({ id: r.id, error: JSON.stringify(response.errors) }))
      continue
    }
    const ignored = response.resultType === 'single' ? (response.result.ignoredContextKeys ?? []) : []
    out.push(JSON.stringify({ id: r.id, result: response.overallResult, ignoredContextKeys: ignored }))
  } catch (e) {
    out.push(JSON.stringify({ id: r.id, error: String(e && e.stack ? e.stack : e) }))
  }
}
process.stdout.write(out.join('\n') + '\n')
