// What the widget keeps per widget key: the visitor token and the open
// conversation. localStorage when the page may use it, else memory (the
// conversation then lasts as long as the page).
const memoryStore = new Map();

function keptState(widgetKey) {
  const name = "hania-chat:" + widgetKey;
  let storage = null;
  try {
    storage = window.localStorage;
    const probe = name + ":probe";
    storage.setItem(probe, "1");
    storage.removeItem(probe);
  } catch (_) {
    storage = null;
  }
  const read = () => {
    try {
      const text = storage ? storage.getItem(name) : memoryStore.get(name);
      const value = text ? JSON.parse(text) : {};
      return value && typeof value === "object" ? value : {};
    } catch (_) {
      return {};
    }
  };
  const write = (value) => {
    const text = JSON.stringify(value);
    try {
      if (storage) storage.setItem(name, text);
      else memoryStore.set(name, text);
    } catch (_) {
      memoryStore.set(name, text);
    }
  };
  return {
    get: (field) => read()[field] || null,
    set: (field, value) => {
      const all = read();
      if (value === null || value === undefined) delete all[field];
      else all[field] = value;
      write(all);
    },
  };
}
