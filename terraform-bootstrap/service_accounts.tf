# One identity per role, each with only what that role does. Grants live next to the resource
# they are on (topics in pubsub.tf, the job in job.tf, the function's service in function.tf,
# target projects in target_projects.tf).

resource "google_service_account" "function" {
  project      = var.project_id
  account_id   = "${local.prefix}-function"
  display_name = "runwire function"
  description  = "Runs the runwire function: validates requests, runs the runwire job with overrides, publishes events. No project-wide role."

  depends_on = [google_project_service.host]
}

resource "google_service_account" "job" {
  project      = var.project_id
  account_id   = "${local.prefix}-job"
  display_name = "runwire job"
  description  = "Runs the runwire job: reconciles Redis, networking and Cloud Run services in the target projects, publishes step events."

  depends_on = [google_project_service.host]
}

resource "google_service_account" "trigger" {
  project      = var.project_id
  account_id   = "${local.prefix}-trigger"
  display_name = "runwire Eventarc trigger"
  description  = "Identity of the Eventarc trigger that delivers requests to the runwire function: run.invoker on that function only."

  depends_on = [google_project_service.host]
}

resource "google_service_account" "scheduler" {
  project      = var.project_id
  account_id   = "${local.prefix}-scheduler"
  display_name = "runwire drift-check scheduler"
  description  = "Identity of the Cloud Scheduler drift check: publisher on the runwire requests topic only."

  depends_on = [google_project_service.host]
}

resource "google_service_account" "build" {
  project      = var.project_id
  account_id   = "${local.prefix}-build"
  display_name = "runwire function build"
  description  = "Cloud Build identity that turns the function source zip into the function's container."

  depends_on = [google_project_service.host]
}

# Projects whose Pub/Sub service agent was created before 2021-04-08 need it to mint the OIDC
# token of the push identity; granting it on the trigger account only keeps it harmless.
resource "google_service_account_iam_member" "trigger_token_creator_pubsub_agent" {
  service_account_id = google_service_account.trigger.name
  role               = "roles/iam.serviceAccountTokenCreator"
  member             = local.pubsub_service_agent

  depends_on = [google_project_service.host]
}

# The function's build, with only what it does (roles/cloudbuild.builds.builder project-wide
# would also let it publish to the requests topic and delete objects): write its logs, read the
# function source - ours, and the copy Cloud Functions stages in its Google-created
# gcf-v2-sources-PROJECT_NUMBER-REGION bucket, which does not exist before the first deploy (hence a
# project-level grant with a condition on the bucket name) - and push the built image to the
# runwire repository.
resource "google_project_iam_member" "build_log_writer" {
  project = var.project_id
  role    = "roles/logging.logWriter"
  member  = "serviceAccount:${google_service_account.build.email}"
}

resource "google_project_iam_member" "build_source_reader" {
  project = var.project_id
  role    = "roles/storage.objectViewer"
  member  = "serviceAccount:${google_service_account.build.email}"

  condition {
    title       = "Cloud Functions staged sources only"
    description = "The gcf-v2-sources-* buckets Cloud Functions copies function sources to."
    expression  = "resource.name.startsWith(\"projects/_/buckets/gcf-v2-sources-\")"
  }
}

resource "google_storage_bucket_iam_member" "build_source_reader" {
  bucket = google_storage_bucket.function_source.name
  role   = "roles/storage.objectViewer"
  member = "serviceAccount:${google_service_account.build.email}"
}

resource "google_artifact_registry_repository_iam_member" "build_writer" {
  project    = var.project_id
  location   = google_artifact_registry_repository.runwire.location
  repository = google_artifact_registry_repository.runwire.name
  role       = "roles/artifactregistry.writer"
  member     = "serviceAccount:${google_service_account.build.email}"
}
