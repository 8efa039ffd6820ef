import '@xyflow/react/dist/style.css';
import './styles.css';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { createChartsController } from './app/charts-controller.js';
import { createClusterController } from './app/cluster-controller.js';
import { createController } from './app/controller.js';
import { createDiffController } from './app/diff-controller.js';
import { ServicesProvider } from './app/context.js';
import { createPlaygroundController } from './app/playground-controller.js';
import { createServingController } from './app/serving-controller.js';
import { createBridge } from './bridge/index.js';
import { createModeBridge } from './bridge/review-bridge.js';
import { createAppCommands, MENU_COMMANDS } from './commands/app-commands.js';
import { clusterCommands } from './commands/cluster-commands.js';
import { diffCommands } from './commands/diff-commands.js';
import { App } from './components/App.js';
import { createAppStore } from './state/store.js';

// The composition root: the only place that knows which bridge, store and commands exist.
const store = createAppStore();
// While a bundle is under review, the controllers' calls are answered from it (review-bridge.ts).
const bridge = createModeBridge(createBridge(), () => store.getState().review?.bundle ?? null);
const controller = createController(bridge, store);
const playground = createPlaygroundController(bridge, store);
const charts = createChartsController(bridge, store);
const serving = createServingController(bridge, store);
const isMac = /Mac|iPhone|iPad/.test(navigator.platform || navigator.userAgent);
const commands = createAppCommands({ store, controller, playground }, isMac);
for (const command of diffCommands(createDiffController(bridge, store))) commands.register(command);
for (const command of clusterCommands(createClusterController(bridge, store, { confirm: controller.confirm, onImported: () => void charts.loadExperiments() }))) commands.register(command);

controller.start();
playground.start();
charts.start();
serving.start();
bridge.onMenu((command, arg) => {
  if ((MENU_COMMANDS as readonly string[]).includes(command)) void commands.dispatch(command, arg);
});

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');
createRoot(root).render(
  <StrictMode>
    <ServicesProvider services={{ store, controller, commands, playground, charts, serving }}>
      <App />
    </ServicesProvider>
  </StrictMode>,
);
