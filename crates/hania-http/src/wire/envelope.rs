//! The native success envelope `{"success": true, "data": …, "message": ""}`.

use actix_web::HttpResponse;
use actix_web::http::StatusCode;
use serde::Serialize;
use utoipa::ToSchema;

/// A success envelope around `data`.
#[derive(Debug, Serialize, ToSchema)]
pub struct Envelope<T> {
    /// Always `true`.
    pub success: bool,
    /// The payload.
    pub data: T,
    /// Empty, or a human confirmation such as "Bot updated".
    pub message: String,
}

/// A success envelope with no payload (`data: null`).
#[derive(Debug, Serialize, ToSchema)]
pub struct MessageEnvelope {
    /// Always `true`.
    pub success: bool,
    /// Always `null`.
    #[schema(value_type = Option<Object>)]
    pub data: Option<()>,
    /// What was done.
    pub message: String,
}

/// `{"id": …}` returned by create endpoints.
#[derive(Debug, Serialize, ToSchema)]
pub struct CreatedId {
    /// The new resource's id.
    pub id: uuid::Uuid,
}

/// 201 with `data` (a created resource that has more to say than its id).
pub fn created_with<T: Serialize>(data: T) -> HttpResponse {
    HttpResponse::build(StatusCode::CREATED).json(Envelope {
        success: true,
        data,
        message: String::new(),
    })
}

/// 200 with `data`.
pub fn ok<T: Serialize>(data: T) -> HttpResponse {
    HttpResponse::Ok().json(Envelope {
        success: true,
        data,
        message: String::new(),
    })
}

/// 201 with `{"id": …}`.
pub fn created(id: uuid::Uuid) -> HttpResponse {
    HttpResponse::build(StatusCode::CREATED).json(Envelope {
        success: true,
        data: CreatedId { id },
        message: String::new(),
    })
}

/// 200 with `data: null` and a message.
pub fn done(message: &str) -> HttpResponse {
    HttpResponse::Ok().json(MessageEnvelope {
        success: true,
        data: None,
        message: message.into(),
    })
}
