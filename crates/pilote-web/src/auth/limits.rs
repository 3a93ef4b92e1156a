//! Rate limits on sign-in and token creation, per client address.
//!
//! Each server counts on its own: behind several servers an address gets the allowance
//! once per server, which still bounds guessing to a handful of tries a minute.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::num::NonZeroU32;

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

use crate::ApiError;

/// Sign-in attempts allowed at once, and per minute after that.
const SIGN_IN_PER_MINUTE: NonZeroU32 = NonZeroU32::MIN.saturating_add(9);
/// Token creations allowed at once, and per minute after that.
const TOKENS_PER_MINUTE: NonZeroU32 = NonZeroU32::MIN.saturating_add(4);
/// Applications (which send an e-mail to the address given) at once, and per minute.
const APPLICATIONS_PER_MINUTE: NonZeroU32 = NonZeroU32::MIN.saturating_add(9);

/// The limiters of one server.
pub(crate) struct RateLimits {
    sign_in: DefaultKeyedRateLimiter<IpAddr>,
    tokens: DefaultKeyedRateLimiter<IpAddr>,
    applications: DefaultKeyedRateLimiter<IpAddr>,
}

impl Default for RateLimits {
    fn default() -> Self {
        Self {
            sign_in: RateLimiter::keyed(Quota::per_minute(SIGN_IN_PER_MINUTE)),
            tokens: RateLimiter::keyed(Quota::per_minute(TOKENS_PER_MINUTE)),
            applications: RateLimiter::keyed(Quota::per_minute(APPLICATIONS_PER_MINUTE)),
        }
    }
}

impl RateLimits {
    /// Counts a sign-in attempt; 429 beyond the allowance.
    pub(crate) fn sign_in(&self, client: ClientIp) -> Result<(), ApiError> {
        self.sign_in
            .check_key(&client.0)
            .map_err(|_| ApiError::TooManyRequests)
    }

    /// Counts a token creation; 429 beyond the allowance.
    pub(crate) fn token(&self, client: ClientIp) -> Result<(), ApiError> {
        self.tokens
            .check_key(&client.0)
            .map_err(|_| ApiError::TooManyRequests)
    }

    /// Counts an application sent without an account; 429 beyond the allowance.
    pub(crate) fn application(&self, client: ClientIp) -> Result<(), ApiError> {
        self.applications
            .check_key(&client.0)
            .map_err(|_| ApiError::TooManyRequests)
    }

    /// Forgets addresses that are back to their full allowance.
    pub(crate) fn forget_idle(&self) {
        self.sign_in.retain_recent();
        self.tokens.retain_recent();
        self.applications.retain_recent();
    }
}

/// The client's address, as the connection says (unspecified when unknown).
#[derive(Debug, Clone, Copy)]
pub(crate) struct ClientIp(IpAddr);

impl<S: Send + Sync> FromRequestParts<S> for ClientIp {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        Ok(Self(
            parts
                .extensions
                .get::<ConnectInfo<SocketAddr>>()
                .map_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED), |info| info.0.ip()),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_address_is_stopped_after_its_allowance() {
        let limits = RateLimits::default();
        let client = ClientIp(IpAddr::V4(Ipv4Addr::LOCALHOST));
        for _ in 0..SIGN_IN_PER_MINUTE.get() {
            assert!(limits.sign_in(client).is_ok());
        }
        assert!(limits.sign_in(client).is_err());
        let other = ClientIp(IpAddr::V4(Ipv4Addr::new(10, 0, 0, 1)));
        assert!(limits.sign_in(other).is_ok());
    }
}
