import { lazy, Suspense } from "react";
import { Redirect, Route, Switch, useRoute } from "wouter";
import { ErrorBoundary } from "./components/error-boundary.tsx";
import { Layout } from "./components/layout.tsx";
import { ErrorMessage, Loading } from "./components/ui.tsx";
import { useSession } from "./lib/session.ts";
import { AuthPage } from "./pages/auth-page.tsx";
import { CasesPage } from "./pages/cases-page.tsx";
import { JoinFirmPage } from "./pages/join-firm-page.tsx";
import { VerifyEmailPage } from "./pages/verify-email-page.tsx";

// Everything past the case list loads on demand, so sign-in and the list stay small.
const WorkspacePage = lazy(() => import("./workspace/workspace-page.tsx"));
const TemplatesPage = lazy(() => import("./templates/templates-page.tsx"));
const FirmSettingsPage = lazy(() => import("./pages/firm-settings-page.tsx"));

export function App() {
  const session = useSession();
  const [joining] = useRoute("/join");

  if (session.isPending) {
    return (
      <main className="splash">
        <Loading label="Opening Steno…" />
      </main>
    );
  }

  // A firm invitation's link: signed in or not, the invited address's account joins the firm.
  if (joining) return <JoinFirmPage />;

  const signedOut = session.error?.data?.code === "UNAUTHORIZED";
  if (session.isError && !signedOut) {
    return (
      <main className="splash">
        <ErrorMessage error={session.error} onRetry={() => void session.refetch()} />
      </main>
    );
  }

  if (!session.data) {
    return (
      <Switch>
        <Route path="/register">
          <AuthPage key="register" mode="register" />
        </Route>
        <Route path="/sign-in">
          <AuthPage key="sign-in" mode="sign-in" />
        </Route>
        <Route path="/verify-email">
          <main className="auth">
            <VerifyEmailPage signedIn={false} />
          </main>
        </Route>
        <Route>
          <Redirect to={`/sign-in?next=${encodeURIComponent(location.pathname)}`} replace />
        </Route>
      </Switch>
    );
  }

  return (
    <Layout session={session.data}>
      <ErrorBoundary label="This page">
        <Suspense fallback={<Loading />}>
          <Switch>
            <Route path="/">
              <CasesPage />
            </Route>
            <Route path="/cases/:id">
              {(params) => <WorkspacePage key={params.id} documentId={params.id} session={session.data} />}
            </Route>
            <Route path="/verify-email">
              <VerifyEmailPage signedIn />
            </Route>
            <Route path="/templates">
              <TemplatesPage session={session.data} />
            </Route>
            <Route path="/settings/firm">
              <FirmSettingsPage session={session.data} />
            </Route>
            <Route path="/sign-in">
              <Redirect to={safeNext()} replace />
            </Route>
            <Route path="/register">
              <Redirect to="/" replace />
            </Route>
            <Route>
              <section className="page">
                <h1>Page not found</h1>
                <p>
                  <a href="/">Back to your cases</a>
                </p>
              </section>
            </Route>
          </Switch>
        </Suspense>
      </ErrorBoundary>
    </Layout>
  );
}

/** Where to go after signing in: the page that asked for it, never another origin. */
function safeNext(): string {
  const next = new URLSearchParams(location.search).get("next");
  return next?.startsWith("/") && !next.startsWith("//") && next !== "/sign-in" ? next : "/";
}
