import { inject } from 'vitest';

// Every test process talks to the run's moto_server with dummy credentials, never to AWS.
process.env.AWS_ENDPOINT_URL = inject('motoEndpoint');
process.env.AWS_ACCESS_KEY_ID = 'testing';
process.env.AWS_SECRET_ACCESS_KEY = 'testing';
process.env.AWS_REGION = 'us-east-1';
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
delete process.env.AWS_PROFILE;
delete process.env.AWS_SESSION_TOKEN;
