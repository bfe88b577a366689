/** Placeholder shell until the screens of the app issue land. */
export function App() {
  return (
    <main>
      <h1>eas-pwa</h1>
      <p>Exchange ActiveSync mail, calendar, contacts and tasks. The screens are being built.</p>
    </main>
  );
}
