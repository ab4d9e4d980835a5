// The files `skiff init` writes, per template: a Workers-style module or a Lambda-style handler.

export const TEMPLATES = ["workers", "lambda"] as const;
export type TemplateName = (typeof TEMPLATES)[number];

export interface TemplateInput {
  name: string;
  /** `$schema` of skiff.jsonc: where editors find the schema, relative to the project. */
  schemaPath: string;
}

/** Path → content, relative to the project folder. */
export function templateFiles(template: TemplateName, input: TemplateInput): Record<string, string> {
  return {
    "skiff.jsonc": configFile(input),
    "src/index.ts": template === "lambda" ? LAMBDA_INDEX : WORKERS_INDEX,
    ".gitignore": GITIGNORE,
  };
}

function configFile({ name, schemaPath }: TemplateInput): string {
  return `{
  "$schema": ${JSON.stringify(schemaPath)},
  // The function's name: it answers at /fn/<tenant>/${name} and ${name}.<tenant>.localhost
  "name": ${JSON.stringify(name)},
  // The entry module, bundled with its imports (npm packages too) on deploy
  "main": "src/index.ts",
  // Values the function reads as env.NAME; secrets go in with \`skiff deploy --secret NAME=value\`
  "vars": { "GREETING": "Hello" },
  // Limits (defaults shown): memory in MB, CPU and wall-clock time per invocation in ms
  // "memoryMb": 128, "cpuMs": 3000, "timeoutMs": 3000,
  // Run the scheduled handler on a schedule (\`skiff dev\`: GET /__scheduled?cron=... runs it now)
  // "triggers": { "crons": ["*/5 * * * *"] },
  // Per-environment overrides, deployed with \`skiff deploy --env production\`
  // "env": { "production": { "vars": { "GREETING": "Welcome" } } },
}
`;
}

const WORKERS_INDEX = `// The function: Workers module syntax. \`skiff dev\` runs it locally and redeploys on save; \`skiff deploy\` ships it.
interface Env {
  GREETING: string;
}

export default {
  async fetch(request: Request, env: Env): Promise<Response> {
    const url = new URL(request.url);
    console.log(\`\${request.method} \${url.pathname}\`);
    return new Response(\`\${env.GREETING} from Skiff!\\n\`);
  },

  async scheduled(controller: { cron: string; scheduledTime: number }, env: Env): Promise<void> {
    console.log(\`\${env.GREETING}: cron "\${controller.cron}" ran at \${new Date(controller.scheduledTime).toISOString()}\`);
  },
};
`;

const LAMBDA_INDEX = `// The function: an AWS Lambda handler. HTTP requests arrive as API Gateway HTTP API (payload 2.0) events.
interface HttpEvent {
  rawPath: string;
  requestContext: { http: { method: string } };
}

interface Context {
  functionName: string;
  awsRequestId: string;
  /** Skiff's addition: the vars of skiff.jsonc (there is no process.env in an isolate). */
  env: { GREETING: string };
}

export const handler = async (event: HttpEvent, context: Context) => {
  console.log(\`\${event.requestContext.http.method} \${event.rawPath} (\${context.awsRequestId})\`);
  return {
    statusCode: 200,
    headers: { "content-type": "text/plain; charset=utf-8" },
    body: \`\${context.env.GREETING} from \${context.functionName}!\\n\`,
  };
};
`;

const GITIGNORE = `node_modules/
# skiff dev keeps its local server's data here
.skiff/
# local secrets that skiff dev deploys (NAME=value lines)
.dev.vars
`;
