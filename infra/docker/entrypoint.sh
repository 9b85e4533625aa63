#!/bin/sh
# The image's entrypoint: the first argument names what to run (docs/deployment.md).
set -eu
usage() {
  cat <<'USAGE'
usage: docker run pronto:<version> <command> [args]
  ingest | scoring | dispatcher | agent-gateway | dialer | reporting | console | alerts | surveys
             one service (services/<name>/src/main.ts), on PORT (8080) of HOST (0.0.0.0)
  embedded   every service in one process (npm start)
  migrate    apply the database migrations to DATABASE_URL, print them, and exit
  pronto     the admin command line (npx pronto), e.g. pronto bootstrap-admin
USAGE
}
command="${1:-}"
[ $# -gt 0 ] && shift
case "$command" in
  ingest | scoring | dispatcher | agent-gateway | dialer | reporting | console | alerts | surveys)
    exec node --import tsx "services/$command/src/main.ts" "$@" ;;
  embedded)
    # As npm start: V8's young generation capped at 4 MB per semi-space (docs/benchmarks.md, "What peaks").
    exec node --max-semi-space-size=4 --import tsx services/embedded/src/main.ts "$@" ;;
  migrate)
    exec node --import tsx packages/db/src/migrate-cli.ts "$@" ;;
  pronto)
    exec node packages/cli/bin/pronto.mjs "$@" ;;
  help | --help | -h)
    usage ;;
  *)
    [ -n "$command" ] && echo "pronto: unknown command '$command'" >&2
    usage >&2
    exit 64 ;;
esac
