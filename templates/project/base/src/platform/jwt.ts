/**
 * Pattern 1, OAuth deployments: verifies JWT access tokens issued by an external authorization
 * server (issuer, audience, an algorithm allow-list, clock tolerance) and takes scopes from the
 * `scope` claim. The server then also publishes RFC 9728 protected-resource metadata so that
 * clients can discover which authorization server to ask.
 */
import { readFileSync } from 'node:fs';
import { createLocalJWKSet, createRemoteJWKSet, errors, jwtVerify, type JSONWebKeySet } from 'jose';
import { AuthFailure, type CredentialVerifier } from './auth.js';

export interface JwtSettings {
  issuer: string;
  audience: string;
  algorithms: string[];
  clockToleranceSec: number;
  /** A JWKS endpoint (production) or a JSON file holding a key set (tests, pinned keys). */
  jwksUrl?: string;
  jwksFile?: string;
}

export function jwtVerifier(settings: JwtSettings): CredentialVerifier {
  const keys = settings.jwksUrl
    ? createRemoteJWKSet(new URL(settings.jwksUrl))
    : createLocalJWKSet(JSON.parse(readFileSync(settings.jwksFile!, 'utf8')) as JSONWebKeySet);
  return {
    async verify(credential, now) {
      try {
        const { payload } = await jwtVerify(credential, keys, {
          issuer: settings.issuer,
          audience: settings.audience,
          algorithms: settings.algorithms,
          clockTolerance: settings.clockToleranceSec,
          currentDate: now,
          requiredClaims: ['exp', 'sub'],
        });
        const scopes = typeof payload.scope === 'string' ? payload.scope.split(' ').filter(Boolean) : [];
        return {
          principal: { id: payload.sub!, scopes, tokenId: typeof payload.jti === 'string' ? payload.jti : 'jwt' },
          expiresAt: new Date(payload.exp! * 1000),
        };
      } catch (error) {
        if (error instanceof errors.JWTExpired) throw new AuthFailure('expired', 'The bearer token has expired.');
        throw new AuthFailure('invalid', 'The bearer token is not a valid access token for this server.');
      }
    },
  };
}

/** RFC 9728 metadata for `/.well-known/oauth-protected-resource`. */
export function protectedResourceMetadata(options: { resource: string; authorizationServers: string[]; scopes: string[] }) {
  return {
    resource: options.resource,
    authorization_servers: options.authorizationServers,
    scopes_supported: options.scopes,
    bearer_methods_supported: ['header'],
  };
}
