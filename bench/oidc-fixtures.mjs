#!/usr/bin/env node
// bench/oidc-fixtures.mjs: what bench/oidc measures with, made through the API of the stack in
// GH_URL (GH_STACK_DIR etc. as tests/api/lib.mjs reads them): a confidential client that signs
// admin in through the code flow (its access token has the openid scope: userinfo's), the client
// that introspects, and a service account's client (client_credentials) holding the member role.
// Prints shell assignments for bench/oidc to eval.
import { api } from '../tests/api/lib.mjs';
import { admin, basic, codeFlow, config, form, makeClient } from '../tests/api/oidclib.mjs';

const rp = await makeClient({ first_party: true });
const { tokens } = await codeFlow(await config(rp), { scope: 'openid profile email gatehouse' });
const svc = await makeClient({ grant_types: ['client_credentials'], redirect_uris: [] });
const grant = await api('POST', `/api/v1/users/${svc.service_user_id}/roles`,
    { token: await admin(), body: { role: 'member', organization_id: 1 } });
if (grant.status !== 200) throw new Error(`granting the service account a role: ${grant.status}`);
const cc = await form('/oauth2/token', { grant_type: 'client_credentials' }, basic(svc.client_id, svc.client_secret));
if (cc.status !== 200) throw new Error(`client_credentials: ${cc.status} ${cc.text}`);
const q = (s) => `'${String(s).replace(/'/g, "'\\''")}'`;
console.log(`OIDC_ACCESS=${q(tokens.access_token)}`);
console.log(`OIDC_BASIC=${q(basic(rp.client_id, rp.client_secret).Authorization)}`);
console.log(`SVC_BASIC=${q(basic(svc.client_id, svc.client_secret).Authorization)}`);
