#!/usr/bin/env bash
# Post-apply step of terraform-bootstrap (terraform_data.trigger_subscription_policy): puts the
# dead-letter policy on the push subscription Eventarc created for the function's trigger, which
# Terraform does not manage. Idempotent: running it again sets the same values.
#
# Environment (set by Terraform):
#   PROJECT                project ID
#   TRIGGER                projects/P/locations/R/triggers/T (the function's event_trigger)
#   DEAD_LETTER_TOPIC      projects/P/topics/T
#   MAX_DELIVERY_ATTEMPTS  5..100
#   MESSAGE_RETENTION      e.g. 604800s
#   PUBSUB_SERVICE_AGENT   serviceAccount:service-N@gcp-sa-pubsub.iam.gserviceaccount.com
set -euo pipefail

for name in PROJECT TRIGGER DEAD_LETTER_TOPIC MAX_DELIVERY_ATTEMPTS MESSAGE_RETENTION PUBSUB_SERVICE_AGENT; do
  if [ -z "${!name:-}" ]; then
    echo "configure-trigger-subscription: $name is not set (this script is run by terraform apply)" >&2
    exit 2
  fi
done
if ! command -v gcloud >/dev/null 2>&1; then
  echo "configure-trigger-subscription: gcloud is not on PATH; install the Google Cloud CLI, or run by hand:" >&2
  echo "  gcloud pubsub subscriptions update <the trigger's subscription> --dead-letter-topic=$DEAD_LETTER_TOPIC --max-delivery-attempts=$MAX_DELIVERY_ATTEMPTS" >&2
  exit 2
fi

# Eventarc fills transport.pubsub.subscription once the trigger is active; give it a minute.
subscription=""
for attempt in $(seq 1 12); do
  subscription="$(gcloud eventarc triggers describe "$TRIGGER" --project="$PROJECT" \
    --format='value(transport.pubsub.subscription)' 2>/dev/null || true)"
  [ -n "$subscription" ] && break
  echo "configure-trigger-subscription: waiting for the subscription of $TRIGGER ($attempt/12)"
  sleep 5
done
if [ -z "$subscription" ]; then
  echo "configure-trigger-subscription: $TRIGGER has no Pub/Sub subscription yet; re-run terraform apply" >&2
  exit 1
fi
echo "configure-trigger-subscription: $subscription -> dead letters to $DEAD_LETTER_TOPIC after $MAX_DELIVERY_ATTEMPTS attempts"

gcloud pubsub subscriptions update "$subscription" --project="$PROJECT" \
  --dead-letter-topic="$DEAD_LETTER_TOPIC" \
  --max-delivery-attempts="$MAX_DELIVERY_ATTEMPTS" \
  --min-retry-delay=10s \
  --max-retry-delay=600s \
  --message-retention-duration="$MESSAGE_RETENTION" \
  --quiet

# The Pub/Sub service agent acknowledges a message on the source subscription when it moves it
# to the dead-letter topic: it needs subscriber there (publisher on the topic is in Terraform).
gcloud pubsub subscriptions add-iam-policy-binding "$subscription" --project="$PROJECT" \
  --member="$PUBSUB_SERVICE_AGENT" \
  --role=roles/pubsub.subscriber \
  --quiet >/dev/null
echo "configure-trigger-subscription: done"
