# Requests in (from other systems, the scheduler, a person), events out, and a dead-letter topic
# for requests the function could not handle after max_delivery_attempts.

resource "google_pubsub_topic" "requests" {
  project                    = var.project_id
  name                       = "${local.prefix}-requests"
  message_retention_duration = var.message_retention

  depends_on = [google_project_service.host]
}

resource "google_pubsub_topic" "events" {
  project                    = var.project_id
  name                       = "${local.prefix}-events"
  message_retention_duration = var.message_retention

  depends_on = [google_project_service.host]
}

resource "google_pubsub_topic" "dead_letter" {
  project                    = var.project_id
  name                       = "${local.prefix}-dead-letter"
  message_retention_duration = var.message_retention

  depends_on = [google_project_service.host]
}

# Messages published to a topic with no subscription are dropped: this one keeps dead letters
# for inspection (gcloud pubsub subscriptions pull) and replay.
resource "google_pubsub_subscription" "dead_letter" {
  project                    = var.project_id
  name                       = "${local.prefix}-dead-letter-sub"
  topic                      = google_pubsub_topic.dead_letter.id
  ack_deadline_seconds       = 60
  message_retention_duration = var.message_retention
  retain_acked_messages      = false

  expiration_policy {
    ttl = "" # never expire, however long it stays idle
  }
}

# A pull subscription on the events topic so there is something to read step events from
# (`gcloud pubsub subscriptions pull`); events carry ordering key = requestId.
resource "google_pubsub_subscription" "events" {
  project                    = var.project_id
  name                       = "${local.prefix}-events-sub"
  topic                      = google_pubsub_topic.events.id
  ack_deadline_seconds       = 60
  message_retention_duration = var.message_retention
  enable_message_ordering    = true

  expiration_policy {
    ttl = ""
  }
}

# The Pub/Sub service agent forwards undeliverable messages: it must publish to the dead-letter
# topic. Its subscriber right on the source subscription is granted on the Eventarc-created
# subscription by the post-apply step in function.tf (that subscription is not Terraform's).
resource "google_pubsub_topic_iam_member" "dead_letter_publisher_pubsub_agent" {
  project = var.project_id
  topic   = google_pubsub_topic.dead_letter.name
  role    = "roles/pubsub.publisher"
  member  = local.pubsub_service_agent
}

# The function publishes rejected / accepted / launch-failed events; the job publishes one
# event per step. Publisher on this one topic only.
resource "google_pubsub_topic_iam_member" "events_publisher_function" {
  project = var.project_id
  topic   = google_pubsub_topic.events.name
  role    = "roles/pubsub.publisher"
  member  = "serviceAccount:${google_service_account.function.email}"
}

resource "google_pubsub_topic_iam_member" "events_publisher_job" {
  project = var.project_id
  topic   = google_pubsub_topic.events.name
  role    = "roles/pubsub.publisher"
  member  = "serviceAccount:${google_service_account.job.email}"
}

# The scheduler's drift check publishes to the requests topic as its own identity.
resource "google_pubsub_topic_iam_member" "requests_publisher_scheduler" {
  project = var.project_id
  topic   = google_pubsub_topic.requests.name
  role    = "roles/pubsub.publisher"
  member  = "serviceAccount:${google_service_account.scheduler.email}"
}
