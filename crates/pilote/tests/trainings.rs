//! Trainings through a real server: the catalogue, attendance shown on the member's page,
//! validation errors by field, and who may write.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests fail loudly")]

mod common;

use common::{Browser, TestApp, TestDb};
use pilote_domain::identity::Scope;
use reqwest::Method;
use serde_json::json;

fn training() -> serde_json::Value {
    json!({
        "title": "Accessibilité numérique", "provider": "Access42",
        "start": "2025-03-10", "end": "2025-03-12", "format": "hybride",
        "audience": "Développeurs",
    })
}

async fn catalogue_and_attendance(db: TestDb) {
    db.fill_demo().await;
    let app = TestApp::spawn_writable(db).await;
    let admin = app.token.clone();
    let admin = admin.as_deref();
    let (status, created) = app
        .call(Method::POST, "/api/v1/trainings", admin, Some(&training()))
        .await;
    assert_eq!(status, 201, "{created}");
    let id = created["id"].as_i64().unwrap();
    assert_eq!(created["format"], "hybride");
    assert_eq!(created["attendees"], json!([]));

    // Attendance: an unknown member, a known one, the same again.
    let path = format!("/api/v1/trainings/{id}/attendees");
    let (status, body) = app
        .call(
            Method::POST,
            &path,
            admin,
            Some(&json!({"member": "personne.inconnue"})),
        )
        .await;
    assert_eq!(status, 422);
    assert!(body["error"]["fields"]["member"].is_string(), "{body}");
    let (status, body) = app
        .call(
            Method::POST,
            &path,
            admin,
            Some(&json!({"member": "camille.martin"})),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(body, json!({"training": id, "member": "camille.martin"}));
    let (status, body) = app
        .call(
            Method::POST,
            &path,
            admin,
            Some(&json!({"member": "camille.martin"})),
        )
        .await;
    assert_eq!(status, 422);
    assert!(body["error"]["fields"]["member"].is_string(), "{body}");
    let (status, _) = app
        .call(
            Method::POST,
            "/api/v1/trainings/999999/attendees",
            admin,
            Some(&json!({"member": "camille.martin"})),
        )
        .await;
    assert_eq!(status, 404);

    // Everyone reads the catalogue and a training with its attendees.
    let (status, list) = app.call(Method::GET, "/api/v1/trainings", None, None).await;
    assert_eq!(status, 200);
    assert_eq!(list["total"], 1);
    assert_eq!(list["data"][0]["title"], "Accessibilité numérique");
    let (status, one) = app
        .call(Method::GET, &format!("/api/v1/trainings/{id}"), None, None)
        .await;
    assert_eq!(status, 200);
    assert_eq!(
        one["attendees"],
        json!([{"member": "camille.martin", "fullname": "Camille Martin"}])
    );
    let (status, _) = app
        .call(Method::GET, "/api/v1/trainings/999999", None, None)
        .await;
    assert_eq!(status, 404);

    // The member's page lists it; another member's does not.
    let visitor = Browser::with(&app, None);
    let (status, html) = visitor.get("/membres/camille.martin").await;
    assert_eq!(status, 200);
    assert!(html.contains("Formations suivies"));
    assert!(html.contains(&format!(
        "<a href=\"/talents/formations/{id}\">Accessibilité numérique</a>"
    )));
    let (_, html) = visitor.get("/membres/paul.richard").await;
    assert!(html.contains("Aucune formation enregistrée."));
    // The pages.
    let (status, html) = visitor.get("/talents/formations").await;
    assert_eq!(status, 200);
    assert!(html.contains("Accessibilité numérique"));
    assert!(!html.contains("Ajouter une formation"));
    let (status, html) = visitor.get(&format!("/talents/formations/{id}")).await;
    assert_eq!(status, 200);
    assert!(html.contains("Camille Martin"));
    assert!(!html.contains("Enregistrer un participant"));
    let (status, _) = visitor.get("/talents/formations/999999").await;
    assert_eq!(status, 404);
    app.stop().await;
}
on_both_backends!(trainings_catalogue, catalogue_and_attendance);

async fn validation_by_field(db: TestDb) {
    let app = TestApp::spawn_writable(db).await;
    let admin = app.token.clone();
    let admin = admin.as_deref();
    let mut bad = training();
    bad["title"] = json!("  ");
    bad["provider"] = json!("x".repeat(201));
    bad["end"] = json!("2025-03-01");
    let (status, body) = app
        .call(Method::POST, "/api/v1/trainings", admin, Some(&bad))
        .await;
    assert_eq!(status, 422);
    let fields = body["error"]["fields"].as_object().unwrap();
    let mut names: Vec<&str> = fields.keys().map(String::as_str).collect();
    names.sort_unstable();
    assert_eq!(names, ["end", "provider", "title"]);
    for (field, value) in [("format", json!("webinaire")), ("start", json!("hier"))] {
        let mut bad = training();
        bad[field] = value;
        let (status, body) = app
            .call(Method::POST, "/api/v1/trainings", admin, Some(&bad))
            .await;
        assert_eq!(status, 422);
        assert!(
            body["error"]["fields"][field].is_string(),
            "{field}: {body}"
        );
    }
    let mut missing = training();
    missing.as_object_mut().unwrap().remove("provider");
    let (status, body) = app
        .call(Method::POST, "/api/v1/trainings", admin, Some(&missing))
        .await;
    assert_eq!(status, 422);
    assert!(body["error"]["fields"]["provider"].is_string(), "{body}");
    let (_, list) = app.call(Method::GET, "/api/v1/trainings", None, None).await;
    assert_eq!(list["total"], 0);

    // The form: errors on their fields, then a training created and an attendee recorded.
    let admin_browser = Browser::signed_in(&app, "administratrice").await;
    let (status, _, html) = admin_browser
        .submit(
            "/talents/formations/nouvelle",
            &[
                ("title", ""),
                ("provider", "DINUM"),
                ("start", "2025-06-05"),
                ("end", "2025-06-04"),
                ("format", "distanciel"),
            ],
        )
        .await;
    assert_eq!(status, 422);
    assert!(html.contains("id=\"f-title-error\""));
    assert!(html.contains("id=\"f-end-error\""));
    assert!(html.contains("value=\"DINUM\""));
    let (status, location, _) = admin_browser
        .submit(
            "/talents/formations/nouvelle",
            &[
                ("title", "Mesurer l’impact"),
                ("provider", "DINUM"),
                ("start", "2025-06-05"),
                ("end", "2025-06-05"),
                ("format", "distanciel"),
                ("audience", ""),
            ],
        )
        .await;
    assert_eq!(status, 303);
    let location = location.unwrap();
    assert!(location.starts_with("/talents/formations/"));
    let (status, html) = admin_browser.get(&location).await;
    assert_eq!(status, 200);
    assert!(html.contains("Enregistrer un participant"));
    app.stop().await;
}
on_both_backends!(trainings_validation, validation_by_field);

async fn only_administrators_write(db: TestDb) {
    db.fill_demo().await;
    let app = TestApp::spawn_writable(db).await;
    let (status, _) = app
        .call(Method::POST, "/api/v1/trainings", None, Some(&training()))
        .await;
    assert_eq!(status, 401);
    for key in ["responsable-incubateur", "membre-produit"] {
        let token = app.token_for(key, &Scope::ALL).await;
        let (status, body) = app
            .call(
                Method::POST,
                "/api/v1/trainings",
                Some(&token),
                Some(&training()),
            )
            .await;
        assert_eq!(status, 403, "{key}: {body}");
    }
    let reader = app.token_for("administratrice", &[Scope::Read]).await;
    let (status, _) = app
        .call(
            Method::POST,
            "/api/v1/trainings",
            Some(&reader),
            Some(&training()),
        )
        .await;
    assert_eq!(status, 403);
    let (status, created) = app
        .call(
            Method::POST,
            "/api/v1/trainings",
            app.token.as_deref(),
            Some(&training()),
        )
        .await;
    assert_eq!(status, 201);
    let member = app.token_for("membre-produit", &Scope::ALL).await;
    let (status, _) = app
        .call(
            Method::POST,
            &format!("/api/v1/trainings/{}/attendees", created["id"]),
            Some(&member),
            Some(&json!({"member": "camille.martin"})),
        )
        .await;
    assert_eq!(status, 403);
    // The forms are not offered to others.
    let anonymous = Browser::with(&app, None);
    let (status, _) = anonymous.get("/talents/formations/nouvelle").await;
    assert_eq!(status, 401);
    let manager = Browser::signed_in(&app, "responsable-incubateur").await;
    let (status, _) = manager.get("/talents/formations/nouvelle").await;
    assert_eq!(status, 403);
    app.stop().await;
}
on_both_backends!(trainings_permissions, only_administrators_write);
