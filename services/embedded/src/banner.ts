/** What a newcomer needs after `npm start`: where things are and how to send a first event. */
export function banner(input: {
  url: string;
  database: string;
  /** <data>/admin-key, the installation's first admin key. */
  adminKeyFile?: string;
  demo?: { keyId: string; secret: string };
  agents?: { people: readonly { username: string; password: string }[]; bots: number };
  manager?: { username: string; password: string };
}): string {
  const lines = [
    '',
    '  Pronto is running (embedded mode)',
    '',
    `  Agent desktop   ${input.url}/agent`,
    `  Manager         ${input.url}/manager`,
    `  API docs        ${input.url}/docs`,
    `  Health          ${input.url}/healthz`,
    `  Database        ${input.database}`,
  ];
  if (input.adminKeyFile)
    lines.push(
      '',
      '  Administration (admin key in the file below, readable by you only):',
      `    npx pronto login --key-file ${input.adminKeyFile}`,
    );
  if (input.manager)
    lines.push(
      '',
      '  Demo manager (sign in at /manager):',
      `    ${input.manager.username} / ${input.manager.password}`,
    );
  if (input.agents) {
    lines.push('', '  Demo agents (sign in at /agent):');
    for (const person of input.agents.people) lines.push(`    ${person.username} / ${person.password}`);
    lines.push(`    plus ${input.agents.bots} simulated agents taking calls (PRONTO_DEMO_BOTS)`);
  }
  if (input.demo) {
    lines.push(
      '',
      `  Demo API key    ${input.demo.keyId}`,
      `  Demo secret     ${input.demo.secret}`,
      '',
      '  Send a signed test event:',
      '    npm run send-event -- --phone "+48 601 234 567"',
      '',
      '  Or by hand (openssl + curl):',
      `    BODY='{"eventId":"evt_'"$(date +%s)"'","type":"offer_check","occurredAt":"'"$(date -u +%FT%TZ)"'","campaign":"cash-loan","person":{"phone":"+48 601 234 567"},"consent":{"phoneContact":true}}'`,
      '    TS=$(date +%s)',
      `    SIG=$(printf '%s\\n%s\\n%s\\n%s' "$TS" POST /v1/events "$BODY" | openssl dgst -sha256 -hmac "${input.demo.secret}" -r | cut -d' ' -f1)`,
      `    curl -sS ${input.url}/v1/events -H 'content-type: application/json' \\`,
      `      -H 'Pronto-Key-Id: ${input.demo.keyId}' -H "Pronto-Timestamp: $TS" -H "Pronto-Signature: v1=$SIG" -d "$BODY"`,
    );
  }
  lines.push('');
  return lines.join('\n');
}
