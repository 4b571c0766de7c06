/**
 * Pattern 1, OAuth deployments: verifies JWT access tokens issued by an external authorization
 * server (issuer, audience, an algorithm allow-list, clock tolerance, a non-empty subject) and
 * takes scopes from the `scope` claim. The server then also publishes RFC 9728
 * protected-resource metadata so that clients can discover which authorization server to ask.
 */
import { readFileSync } from 'node:fs';
import type { JSONWebKeySet, JWTPayload, JWTVerifyGetKey } from 'jose';
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

/**
 * The signing keys could not be fetched: nothing is known about the token, so this is an outage
 * to retry (503), never an invalid token (401, which tells a client to throw its token away).
 */
export class KeySetUnavailable extends Error {
  override name = 'KeySetUnavailable';
}

type Jose = typeof import('jose');

function remoteKeys({ createRemoteJWKSet, errors }: Jose, url: string): JWTVerifyGetKey {
  // What a key look-up throws because of the token itself; anything else is the key set's fetch.
  const tokenFaults = [errors.JWKSNoMatchingKey, errors.JWKSMultipleMatchingKeys, errors.JOSENotSupported, errors.JOSEAlgNotAllowed];
  const keys = createRemoteJWKSet(new URL(url));
  return async (header, token) => {
    try {
      return await keys(header, token);
    } catch (error) {
      if (tokenFaults.some((fault) => error instanceof fault)) throw error;
      throw new KeySetUnavailable(`The JWKS at ${url} could not be fetched: ${(error as Error).message}`, { cause: error });
    }
  };
}

export function jwtVerifier(settings: JwtSettings): CredentialVerifier {
  // A pinned key set is read now, so that a missing or broken file stops the server from starting.
  const pinned = settings.jwksUrl ? undefined : (JSON.parse(readFileSync(settings.jwksFile!, 'utf8')) as JSONWebKeySet);
  if (pinned && !Array.isArray(pinned.keys)) throw new Error(`${settings.jwksFile} is not a JSON Web Key Set: it has no "keys" array`);
  // jose loads with the first token to verify: a server on its own mcp-prod tokens never holds it in memory.
  let ready: Promise<{ lib: Jose; keys: JWTVerifyGetKey }> | undefined;
  const prepare = () =>
    (ready ??= import('jose').then((lib) => ({ lib, keys: settings.jwksUrl ? remoteKeys(lib, settings.jwksUrl) : lib.createLocalJWKSet(pinned!) })));
  return {
    async verify(credential, now) {
      const { lib, keys } = await prepare();
      let payload: JWTPayload;
      try {
        ({ payload } = await lib.jwtVerify(credential, keys, {
          issuer: settings.issuer,
          audience: settings.audience,
          algorithms: settings.algorithms,
          clockTolerance: settings.clockToleranceSec,
          currentDate: now,
          requiredClaims: ['exp', 'sub'],
        }));
      } catch (error) {
        if (error instanceof KeySetUnavailable) throw error;
        // The detail is for the server log only; the caller learns just that the token is not valid.
        const detail = error instanceof lib.errors.JOSEError ? `${error.code}: ${error.message}` : 'unreadable token';
        if (error instanceof lib.errors.JWTExpired) throw new AuthFailure('expired', 'The bearer token has expired.', detail);
        throw new AuthFailure('invalid', 'The bearer token is not a valid access token for this server.', detail);
      }
      // A blank subject would make every such token one anonymous principal sharing its data.
      if (typeof payload.sub !== 'string' || payload.sub.trim() === '') {
        throw new AuthFailure('invalid', 'The bearer token is not a valid access token for this server.', 'the "sub" claim is empty');
      }
      const scopes = typeof payload.scope === 'string' ? payload.scope.split(' ').filter(Boolean) : [];
      return {
        principal: { id: payload.sub, scopes, tokenId: typeof payload.jti === 'string' ? payload.jti : 'jwt' },
        expiresAt: new Date(payload.exp! * 1000),
      };
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
