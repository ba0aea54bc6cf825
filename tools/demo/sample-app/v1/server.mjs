// Starts the sample app on $HOST:$PORT (default: every address of its container, port 8080).
import { createApp } from './app.mjs';

const port = Number(process.env.PORT ?? 8080);
const host = process.env.HOST ?? '0.0.0.0';
const server = createApp().listen(port, host, () => console.log(`sample-app listening on ${host}:${port}`));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
