#!/bin/sh
# The namespace and wipflow's search attributes (runs once, in temporalio/admin-tools). Idempotent.
set -eu

: "${TEMPORAL_ADDRESS:?}"
NAMESPACE="${NAMESPACE:-default}"

attempts=0
until temporal operator cluster health --address "$TEMPORAL_ADDRESS" >/dev/null 2>&1; do
  attempts=$((attempts + 1))
  if [ "$attempts" -ge 60 ]; then
    echo "Temporal at $TEMPORAL_ADDRESS is not healthy after $attempts tries" >&2
    exit 1
  fi
  sleep 2
done

temporal operator namespace describe --address "$TEMPORAL_ADDRESS" -n "$NAMESPACE" >/dev/null 2>&1 \
  || temporal operator namespace create --address "$TEMPORAL_ADDRESS" -n "$NAMESPACE"

# Only "already exists" is forgiven: any other failure stops the bootstrap, loudly.
for attribute in WipProgramme:Keyword WipSession:Keyword WipStage:Keyword WipCountry:Keyword \
    WipStatus:Keyword WipDeadline:Datetime; do
  name=${attribute%%:*}
  if ! out=$(temporal operator search-attribute create --address "$TEMPORAL_ADDRESS" \
      -n "$NAMESPACE" --name "$name" --type "${attribute#*:}" 2>&1); then
    case "$out" in
      *"already exists"*) echo "search attribute $name already exists" ;;
      *) echo "$out" >&2; exit 1 ;;
    esac
  fi
done
echo "namespace $NAMESPACE and search attributes ready"
