#!/usr/bin/env bash
# `./runwire deploy`: installs runwire into a Google Cloud project by doing, in order, what
# terraform-bootstrap/README.md's "Deploy" section describes by hand:
#   1. build the function zip            4. full terraform apply
#   2. first, targeted terraform apply   5. dead-letter policy on the trigger's subscription
#   3. build and push the job image      6. print the example publish / execute commands
# Everything that can stop it (a missing tool, login, file or variable) is checked before step 1.
# --dry-run prints every command and runs none of them (not even the checks that call gcloud).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
TF_DIR="$(dirname "$HERE")"
ROOT="$(dirname "$TF_DIR")"
TF_REL="$(basename "$TF_DIR")"
JIB_PLUGIN="com.google.cloud.tools:jib-maven-plugin:3.5.2"
STEPS=6

usage() {
  cat <<'USAGE'
Usage: ./runwire deploy --project P --region R [--tfvars FILE] [--image REF] [--auto-approve] [--dry-run]

Installs runwire into project P (region R) with terraform-bootstrap, in order: builds the function
zip, creates the APIs and the image repository (targeted apply), builds and pushes the job image
with Jib, applies everything else, sets the dead-letter policy on the trigger's subscription, and
prints commands to try it.

  --project P      project runwire runs in (terraform's project_id)
  --region R       its region, e.g. europe-west1 (terraform's region)
  --tfvars FILE    the other variables (default terraform-bootstrap/terraform.tfvars; start from
                   terraform-bootstrap/terraform.tfvars.example)
  --image REF      where to push the job image (default
                   R-docker.pkg.dev/P/<name_prefix>/runwire-job:<git commit>); the job is deployed
                   pinned to the pushed digest
  --auto-approve   apply without asking (terraform apply -auto-approve)
  --dry-run        print every command it would run; run nothing, change nothing

Needs terraform (>= 1.4), gcloud logged in (gcloud auth login; gcloud auth application-default
login for Terraform) and a JDK 17+.
USAGE
}

die() {
  local code="$1"
  shift
  echo "runwire deploy: $*" >&2
  exit "$code"
}

project="" region="" tfvars="" image="" dry_run=false auto_approve=false
value_of() { # flag, next argument
  [ $# -ge 2 ] && [ -n "$2" ] && [ "${2#--}" = "$2" ] || die 2 "$1 needs a value (./runwire deploy --help)"
  printf '%s' "$2"
}
while [ $# -gt 0 ]; do
  case "$1" in
    --project) project="$(value_of "$@")"; shift 2 ;;
    --project=*) project="${1#*=}"; shift ;;
    --region) region="$(value_of "$@")"; shift 2 ;;
    --region=*) region="${1#*=}"; shift ;;
    --tfvars) tfvars="$(value_of "$@")"; shift 2 ;;
    --tfvars=*) tfvars="${1#*=}"; shift ;;
    --image) image="$(value_of "$@")"; shift 2 ;;
    --image=*) image="${1#*=}"; shift ;;
    --auto-approve) auto_approve=true; shift ;;
    --dry-run) dry_run=true; shift ;;
    -h | --help) usage; exit 0 ;;
    *) die 2 "unknown argument '$1' (./runwire deploy --help)" ;;
  esac
done

# ---- checks: nothing below changes anything until step 1 ----------------------------------

[ -n "$project" ] || die 2 "--project is missing: give the ID of the project runwire runs in, e.g. --project acme-prod"
[[ "$project" =~ ^[a-z][a-z0-9-]{4,28}[a-z0-9]$ ]] ||
  die 2 "--project $project is not a project ID (6-30 lowercase letters, digits, hyphens; starts with a letter): use the ID, not the name or number"
[ -n "$region" ] || die 2 "--region is missing: give a region such as --region europe-west1"
[[ "$region" =~ ^[a-z]+-[a-z]+[0-9]+$ ]] ||
  die 2 "--region $region is not a region such as europe-west1 (not a zone like europe-west1-b)"

if [ -z "$tfvars" ]; then
  tfvars="$TF_DIR/terraform.tfvars"
  [ -f "$tfvars" ] || die 2 "$TF_REL/terraform.tfvars does not exist: cp $TF_REL/terraform.tfvars.example $TF_REL/terraform.tfvars, edit it (target_projects, ...), or pass --tfvars FILE"
fi
[ -f "$tfvars" ] || die 2 "--tfvars $tfvars does not exist: start from $TF_REL/terraform.tfvars.example"
tfvars="$(cd "$(dirname "$tfvars")" && pwd)/$(basename "$tfvars")" # terraform runs with -chdir

need_tool() { # command, fix
  command -v "$1" >/dev/null 2>&1 || die 3 "$1 not found on PATH: $2. Nothing was changed."
}
need_tool terraform "install Terraform >= 1.4 (https://developer.hashicorp.com/terraform/install)"
need_tool gcloud "install the Google Cloud CLI (https://cloud.google.com/sdk/docs/install)"
need_tool java "install a JDK 17 or newer (it builds the function and the job)"
need_tool jar "install a JDK 17 or newer, not only a JRE (jar packs the function zip)"

# Variables without a default in variables.tf must come from the tfvars file or TF_VAR_*;
# project_id, region, job_image and function_source_zip are set here.
tfvars_value() { # name -> the literal string value in the tfvars file, if any
  sed -n -E "s/^[[:space:]]*$1[[:space:]]*=[[:space:]]*\"([^\"]*)\".*/\1/p" "$tfvars" | tail -n 1
}
missing=()
while read -r name; do
  case "$name" in project_id | region | job_image | function_source_zip) continue ;; esac
  if ! grep -Eq "^[[:space:]]*$name[[:space:]]*=" "$tfvars" && [ -z "$(printenv "TF_VAR_$name" || true)" ]; then
    missing+=("$name")
  fi
done < <(awk '
  /^variable "/ { if (name != "" && !has_default) print name; name = $2; gsub(/"/, "", name); has_default = 0 }
  /^  default[[:space:]]*=/ { has_default = 1 }
  END { if (name != "" && !has_default) print name }' "$TF_DIR/variables.tf")
if [ ${#missing[@]} -gt 0 ]; then
  die 2 "$tfvars does not set ${missing[*]}: add a line 'NAME = ...' for each (variables.tf describes them; terraform.tfvars.example shows the form). Nothing was changed."
fi

prefix="$(tfvars_value name_prefix)"
prefix="${prefix:-runwire}"
if [ -z "$image" ]; then
  tag="$(git -C "$ROOT" rev-parse --short=12 HEAD 2>/dev/null || echo latest)"
  image="$region-docker.pkg.dev/$project/$prefix/runwire-job:$tag"
fi
image_name="${image%@*}"
case "${image_name##*/}" in *:*) image_name="${image_name%:*}" ;; esac

cd "$ROOT"

# Prints a command the way a person would type it, then runs it (not with --dry-run).
run() {
  printf '+'
  printf ' %q' "$@"
  printf '\n'
  if ! $dry_run; then "$@"; fi
}
step() {
  echo
  echo "==> [$1/$STEPS] $2"
}

if $dry_run; then
  echo "runwire deploy (dry run: nothing below is run): project $project, region $region, variables $tfvars"
  echo "+ gcloud auth list --filter=status:ACTIVE --format='value(account)'   # check: logged in"
  echo "+ gcloud auth application-default print-access-token >/dev/null   # check: Terraform's credentials"
  echo "+ gcloud projects describe $project --format='value(projectId)'   # check: the project is visible"
else
  account="$(gcloud auth list --filter=status:ACTIVE --format='value(account)' 2>/dev/null | head -n 1 || true)"
  [ -n "$account" ] || die 4 "gcloud is not logged in: run 'gcloud auth login', then deploy again. Nothing was changed."
  gcloud auth application-default print-access-token >/dev/null 2>&1 ||
    die 4 "Terraform has no credentials (application default credentials): run 'gcloud auth application-default login', then deploy again. Nothing was changed."
  [ "$(gcloud projects describe "$project" --format='value(projectId)' 2>/dev/null || true)" = "$project" ] ||
    die 4 "project $project does not exist or $account cannot see it: check the ID (gcloud projects list). Nothing was changed."
  echo "runwire deploy: project $project, region $region, as $account, variables $tfvars"
fi

tf_vars=(-var-file="$tfvars" -var="project_id=$project" -var="region=$region"
  -var="function_source_zip=function-source.zip")
apply=(terraform -chdir="$TF_REL" apply)
if $auto_approve; then apply+=(-auto-approve); fi

# ---- 1. the function zip -------------------------------------------------------------------
step 1 "Build the function zip ($TF_REL/function-source.zip)"
run ./mvnw -q -pl function -am package -DskipTests
run jar --create --no-manifest --file "$TF_REL/function-source.zip" -C function/target runwire-function.jar

# ---- 2. APIs and the image repository first: the job needs its image, the image the repository
step 2 "Enable the APIs and create the image repository (targeted apply)"
run terraform -chdir="$TF_REL" init -input=false
run "${apply[@]}" "${tf_vars[@]}" -var="job_image=$image" \
  -target=google_project_service.host -target=google_artifact_registry_repository.runwire

# ---- 3. the job image ----------------------------------------------------------------------
step 3 "Build and push the job image with Jib to $image (a few minutes)"
if ! $dry_run; then rm -f job/target/jib-image.digest; fi
# The gcloud credential helper gives Jib the logged-in account's token; no Docker daemon needed.
run ./mvnw -q -pl job -am package "$JIB_PLUGIN:build" -DskipTests \
  -Djib.containerize=dev.runwire:runwire-job -Djib.to.credHelper=gcloud -Dimage="$image"
if $dry_run; then
  pinned="$image_name@\$(cat job/target/jib-image.digest)"
else
  [ -s job/target/jib-image.digest ] || die 1 "Jib wrote no job/target/jib-image.digest: the push did not complete"
  pinned="$image_name@$(cat job/target/jib-image.digest)"
fi
echo "job image: $pinned"

# ---- 4. everything else --------------------------------------------------------------------
step 4 "Create the topics, function, job, IAM and scheduler (full apply)"
if $dry_run; then
  # %q would quote the $(...) placeholder; show it as it would be typed.
  printf '+'
  printf ' %q' "${apply[@]}" "${tf_vars[@]}"
  printf ' -var=job_image=%s\n' "$pinned"
else
  run "${apply[@]}" "${tf_vars[@]}" -var="job_image=$pinned"
fi

# ---- 5. dead letters -----------------------------------------------------------------------
step 5 "Dead-letter policy on the Eventarc trigger's subscription (scripts/configure-trigger-subscription.sh)"
# terraform apply runs this script too (terraform_data.trigger_subscription_policy); running it
# again here is idempotent and shows its outcome.
settings=(eventarc_trigger dead_letter_topic max_delivery_attempts message_retention pubsub_service_agent)
names=(TRIGGER DEAD_LETTER_TOPIC MAX_DELIVERY_ATTEMPTS MESSAGE_RETENTION PUBSUB_SERVICE_AGENT)
env_args=("PROJECT=$project")
for i in "${!settings[@]}"; do
  if $dry_run; then
    env_args+=("${names[$i]}=\$(terraform -chdir=$TF_REL output -raw ${settings[$i]})")
  else
    env_args+=("${names[$i]}=$(terraform -chdir="$TF_REL" output -raw "${settings[$i]}")")
  fi
done
if $dry_run; then
  printf '+ env'
  printf ' "%s"' "${env_args[@]}"
  printf ' bash %s\n' "$TF_REL/scripts/configure-trigger-subscription.sh"
else
  run env "${env_args[@]}" bash "$TF_REL/scripts/configure-trigger-subscription.sh"
fi

# ---- 6. try it -----------------------------------------------------------------------------
step 6 "Try it"
for output in example_publish_command example_pull_events_command example_execute_command; do
  if $dry_run; then
    echo "+ terraform -chdir=$TF_REL output -raw $output"
  else
    case "$output" in
      example_publish_command) echo "# publish a read-only plan request (topic -> function -> job -> events):" ;;
      example_pull_events_command) echo "# read the events it produced:" ;;
      example_execute_command) echo "# or run the job by hand with the same request:" ;;
    esac
    terraform -chdir="$TF_REL" output -raw "$output"
    echo
  fi
done
if $dry_run; then
  echo
  echo "runwire deploy: dry run, nothing was run or changed"
else
  echo
  echo "runwire deploy: done"
fi
